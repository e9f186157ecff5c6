export const deliveries = 'deliveries';
