/**
 * Port: couriers are portal users, linked by the 1C id in a user field. The portal's users are never written: a
 * courier only learns which user it is.
 */
export abstract class Bitrix24Users {
  /** The Bitrix24 user id of the courier with this 1C id; undefined when no user carries it. */
  abstract userOfCourier(onecId: string): Promise<string | undefined>;
}
