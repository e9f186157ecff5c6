import type { SeedData } from '../fakes/bitrix24';

/**
 * How a portal is laid out for the domain libs, shared by the e2e suites and `npm run demo`: the product catalog's
 * information block, the courier's board (a smart process and its category) with one stage per delivery status, and
 * the mapping file that names them.
 */
export const CATALOG_IBLOCK = 23;
export const BOARD_TYPE = 1036;
export const BOARD_CATEGORY = 12;

/** A smart process's stages in the fake portal, one per status, as `DT<type>_<category>:<CODE>`. */
export function boardStages(entityTypeId: number, categoryId: number, codes: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(codes).map(([status, code]) => [status, `DT${entityTypeId}_${categoryId}:${code}`]),
  );
}

/** Our delivery statuses as the courier's pipeline in the portal. */
export const STAGES: Record<string, string> = boardStages(BOARD_TYPE, BOARD_CATEGORY, {
  new: 'NEW',
  assigned: 'ASSIGNED',
  accepted: 'ACCEPTED',
  in_transit: 'TRANSIT',
  delivered: 'SUCCESS',
  partially_delivered: 'PARTIAL',
  failed: 'FAIL',
  cancelled: 'CANCELLED',
  closed: 'CLOSED',
});

/** The statuses Bitrix24 marks as the board's final stages. */
export const DELIVERY_STAGE_SEMANTICS = {
  success: ['delivered', 'partially_delivered', 'closed'],
  failure: ['failed', 'cancelled'],
} as const;

/**
 * How the master-data kinds are mapped: catalog products with price, stock, unit, VAT rate and barcode (these two
 * in catalog properties, as a portal keeps them), organisations as companies and persons as contacts with their
 * phones and e-mails as multi-fields, couriers as users. 1C's `code` is left unmapped on purpose: what the mapping
 * leaves out never reaches the portal.
 */
export const MASTER_DATA_MAPPING = {
  entities: {
    product: {
      iblockId: CATALOG_IBLOCK,
      fields: {
        name: 'name',
        article: 'code',
        price: 'purchasingPrice',
        currency: 'purchasingCurrency',
        quantity: 'quantity',
        vatRate: 'property101',
        barcode: 'property102',
        unit: 'measure',
        active: 'active',
      },
    },
    company: {
      fields: { name: 'title', inn: 'ufCrm_Inn', kpp: 'ufCrm_Kpp', address: 'ufCrm_Address', active: 'ufCrm_MmActive' },
      multiFields: { phones: 'PHONE', emails: 'EMAIL' },
    },
    contact: {
      fields: { name: 'name', active: 'ufCrm_MmActive' },
      multiFields: { phones: 'PHONE', emails: 'EMAIL' },
    },
    courier: { externalIdField: 'UF_USR_1C_ID', fields: { name: 'NAME' } },
  },
};

/** Master data's mapping plus the deliveries' smart process. */
export const BOARD_MAPPING = {
  entities: {
    ...MASTER_DATA_MAPPING.entities,
    delivery: {
      entityTypeId: BOARD_TYPE,
      categoryId: BOARD_CATEGORY,
      fields: {
        title: 'title',
        address: 'ufCrm5_Address',
        amount: 'opportunity',
        cashOnDelivery: 'ufCrm5_Cod',
        responsible: 'assignedById',
        onecDocument: 'ufCrm5_OnecDocument',
        cashCollected: 'ufCrm5_Cash',
        failureReason: 'ufCrm5_FailureReason',
      },
      stages: STAGES,
    },
  },
};

/** A board's stages as the portal holds them (`FakeBitrix24.seed`), with Bitrix24's success and failure marks. */
export function boardStageSeed(
  board: { entityTypeId: number; categoryId: number; stages: Record<string, string> },
  semantics: { success: readonly string[]; failure: readonly string[] },
): SeedData {
  return {
    stages: Object.entries(board.stages).map(([status, statusId], index) => ({
      entityId: `DYNAMIC_${board.entityTypeId}_STAGE_${board.categoryId}`,
      statusId,
      name: status,
      sort: (index + 1) * 10,
      semantics: semantics.success.includes(status)
        ? ('S' as const)
        : semantics.failure.includes(status)
          ? ('F' as const)
          : null,
    })),
  };
}
