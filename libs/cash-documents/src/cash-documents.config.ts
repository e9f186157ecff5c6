import { type EnvReader, registerConfigSection } from '@app/core';

export interface CashDocumentsSettings {
  /**
   * Whether a customer's cash handed in needs the fiscal receipt the courier's register printed (54-ФЗ): the
   * default; `optional` where the registers report receipts to 1C on their own.
   */
  readonly fiscalReceiptRequired: boolean;
}

export function readCashDocumentsConfig(read: EnvReader): CashDocumentsSettings {
  const mode = read.string('CASH_FISCAL_RECEIPT', 'required');
  if (mode !== 'required' && mode !== 'optional') {
    read.problem(`CASH_FISCAL_RECEIPT must be "required" or "optional", got "${mode}"`);
  }
  return { fiscalReceiptRequired: mode !== 'optional' };
}

declare module '@app/core' {
  interface ConfigSections {
    /** The cash documents' section. */
    readonly cashDocuments: CashDocumentsSettings;
  }
}

registerConfigSection('cashDocuments', readCashDocumentsConfig);
