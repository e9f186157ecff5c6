/** What the cash documents need of a courier: its name for people to read, and the cash desk it hands cash to. */
export interface CourierCashProfile {
  readonly name: string;
  readonly cashDeskId: string | null;
}

/** Port: the couriers the middleware knows (master data's mirror). */
export abstract class CourierProfiles {
  abstract profile(courierId: string): Promise<CourierCashProfile | undefined>;
}
