/** What a delivery names in master data, and where. */
export interface DeliveryReference {
  readonly kind: 'products' | 'counterparties' | 'warehouses' | 'couriers';
  readonly onecId: string;
  readonly path: string;
}

/** Port: which references master data does not hold in use (unknown, marked deleted, or left out by 1C). */
export abstract class ReferenceCheck {
  abstract unusable(references: readonly DeliveryReference[]): Promise<DeliveryReference[]>;
}

/** How a reference master data does not hold is named in a 422. */
export const unusableMessage = (reference: DeliveryReference): string =>
  `no ${reference.kind} ${reference.onecId} in use in master data (unknown or marked deleted)`;
