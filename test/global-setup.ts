export default function globalSetup(): void {
  process.env.TZ = 'UTC';
}
