import { CommerceMlError, CommerceMlErrorCode } from './commerceml.errors';
import {
  normalizeBoolean,
  normalizeDate,
  normalizeDateTime,
  normalizeDecimal,
  normalizeSpaces,
  normalizeTime,
} from './commerceml-normalize';
import type {
  Characteristic,
  CommerceMlRecord,
  CommerceMlSection,
  DocumentCounterparty,
  DocumentItem,
  DocumentRecord,
  GroupRecord,
  OfferPrice,
  OfferRecord,
  OfferStock,
  PackageRecord,
  PriceTypeRecord,
  ProductRecord,
  PropertyRecord,
  PropertyValue,
  Requisite,
  TaxAmount,
  TaxRate,
  UnitRecord,
  UnitRef,
  WarehouseRecord,
} from './commerceml.records';
import { attribute, child, childText, childTexts, childrenNamed, items, text, type XmlNode } from './xml-node';

type Unnumbered<R> = Omit<R, 'ordinal'>;

type DistributeUnnumbered<R> = R extends CommerceMlRecord ? Unnumbered<R> : never;

/** A record before the parser numbers it; distributed over the union so that `kind` still discriminates. */
export type UnnumberedRecord = DistributeUnnumbered<CommerceMlRecord>;

export type WarnAt = (node: XmlNode, message: string) => void;

/**
 * Maps one record's element tree to a neutral record. Keeps the little cross-record state CommerceML needs: which
 * properties the file declares as numeric, so that their product values can be normalised.
 */
export class CommerceMlRecordMapper {
  private readonly numericProperties = new Set<string>();

  constructor(private readonly warn: WarnAt) {}

  packageHeader(node: XmlNode, section: CommerceMlSection): Unnumbered<PackageRecord> {
    const containsOnlyChanges = this.boolean(node, attribute(node, 'СодержитТолькоИзменения'));
    const owner = child(node, 'Владелец');
    return {
      kind: 'package',
      section,
      id: childText(node, 'Ид'),
      name: childText(node, 'Наименование'),
      classifierId: childText(node, 'ИдКлассификатора'),
      catalogId: childText(node, 'ИдКаталога'),
      owner: owner ? { id: childText(owner, 'Ид'), name: childText(owner, 'Наименование') } : null,
      containsOnlyChanges,
      isFullSnapshot: containsOnlyChanges === false,
    };
  }

  group(node: XmlNode, parentId: string | null): Unnumbered<GroupRecord> {
    return {
      kind: 'group',
      id: requireId(node),
      parentId,
      name: childText(node, 'Наименование') ?? '',
      description: childText(node, 'Описание'),
      versionNumber: childText(node, 'НомерВерсии'),
      deleted: this.deletionMark(node),
    };
  }

  property(node: XmlNode, groupId: string | null): Unnumbered<PropertyRecord> {
    const id = requireId(node);
    const valueType = childText(node, 'ТипЗначений');
    if (valueType === 'Число') {
      this.numericProperties.add(id);
    }
    const variants = child(node, 'ВариантыЗначений');
    return {
      kind: 'property',
      id,
      groupId,
      name: childText(node, 'Наименование') ?? '',
      valueType,
      multiple: this.childBoolean(node, 'Множественное') ?? false,
      forProducts: this.childBoolean(node, 'ДляТоваров'),
      forOffers: this.childBoolean(node, 'ДляПредложений'),
      values: (variants?.children ?? []).flatMap((variant) => {
        if (variant.name === 'Справочник') {
          return [{ id: childText(variant, 'ИдЗначения'), value: childText(variant, 'Значение') ?? '' }];
        }
        return variant.name === 'Значение' ? [{ id: null, value: text(variant) ?? '' }] : [];
      }),
      versionNumber: childText(node, 'НомерВерсии'),
      deleted: this.deletionMark(node),
    };
  }

  unit(node: XmlNode): Unnumbered<UnitRecord> {
    const code = childText(node, 'Код');
    const id = childText(node, 'Ид') ?? code;
    if (id === null) {
      throw missingId(node);
    }
    return {
      kind: 'unit',
      id,
      code,
      shortName: childText(node, 'НаименованиеКраткое'),
      fullName: childText(node, 'НаименованиеПолное'),
      internationalAbbreviation: childText(node, 'МеждународноеСокращение'),
      deleted: this.deletionMark(node),
    };
  }

  priceType(node: XmlNode): Unnumbered<PriceTypeRecord> {
    return {
      kind: 'priceType',
      id: requireId(node),
      name: childText(node, 'Наименование') ?? '',
      currency: childText(node, 'Валюта'),
      taxes: childrenNamed(node, 'Налог').map((tax) => ({
        name: childText(tax, 'Наименование') ?? '',
        includedInSum: this.childBoolean(tax, 'УчтеноВСумме'),
        excise: this.childBoolean(tax, 'Акциз'),
      })),
      deleted: this.deletionMark(node),
    };
  }

  warehouse(node: XmlNode): Unnumbered<WarehouseRecord> {
    return {
      kind: 'warehouse',
      id: requireId(node),
      name: childText(node, 'Наименование') ?? '',
      address: childText(child(node, 'Адрес'), 'Представление'),
      comment: childText(node, 'Комментарий'),
      deleted: this.deletionMark(node),
    };
  }

  product(node: XmlNode): Unnumbered<ProductRecord> {
    const id = requireId(node);
    const status = attribute(node, 'Статус');
    const requisites = this.requisites(node);
    const manufacturer = child(node, 'Изготовитель');
    return {
      kind: 'product',
      id,
      ...splitId(id),
      versionNumber: childText(node, 'НомерВерсии'),
      deleted: status === 'Удален' || this.deletionMark(node),
      status,
      barcode: childText(node, 'Штрихкод'),
      article: childText(node, 'Артикул'),
      code: childText(node, 'Код'),
      name: childText(node, 'Наименование') ?? '',
      fullName:
        childText(node, 'ПолноеНаименование') ??
        (requisites.find((requisite) => requisite.name === 'Полное наименование')?.value || null),
      description: childText(node, 'Описание'),
      baseUnit: this.unitRef(child(node, 'БазоваяЕдиница')),
      groupIds: childTexts(child(node, 'Группы'), 'Ид'),
      images: childTexts(node, 'Картинка'),
      manufacturer: manufacturer
        ? { id: childText(manufacturer, 'Ид'), name: childText(manufacturer, 'Наименование') }
        : null,
      country: childText(node, 'Страна'),
      weight: this.decimal(child(node, 'Вес')),
      properties: this.propertyValues(node),
      taxRates: taxRates(node),
      requisites,
      characteristics: characteristics(node),
    };
  }

  offer(node: XmlNode): Unnumbered<OfferRecord> {
    const id = requireId(node);
    const stock: OfferStock[] = [];
    let quantity = this.decimal(child(node, 'Количество'));
    for (const warehouse of childrenNamed(node, 'Склад')) {
      this.collectStock(warehouse, stock);
    }
    for (const rest of items(node, 'Остатки', 'Остаток')) {
      const warehouse = child(rest, 'Склад');
      if (warehouse) {
        this.collectStock(warehouse, stock);
      } else {
        quantity ??= this.decimal(child(rest, 'Количество'));
      }
    }
    return {
      kind: 'offer',
      id,
      ...splitId(id),
      versionNumber: childText(node, 'НомерВерсии'),
      deleted: attribute(node, 'Статус') === 'Удален' || this.deletionMark(node),
      barcode: childText(node, 'Штрихкод'),
      article: childText(node, 'Артикул'),
      name: childText(node, 'Наименование'),
      baseUnit: this.unitRef(child(node, 'БазоваяЕдиница')),
      characteristics: characteristics(node),
      properties: this.propertyValues(node),
      prices: items(node, 'Цены', 'Цена').map((price) => this.price(price)),
      quantity,
      stock,
    };
  }

  document(node: XmlNode, containerIndex: number | null): Unnumbered<DocumentRecord> {
    const requisiteNodes = requisiteValueNodes(node);
    const requisite = (name: string): XmlNode | undefined => requisiteNodes.get(requisiteKey(name));
    const requisiteBoolean = (name: string): boolean | null => {
      const valueNode = requisite(name);
      return valueNode ? this.boolean(valueNode, text(valueNode)) : null;
    };
    const requisiteDateTime = (name: string): string | null => this.dateTime(requisite(name));
    const deletionElement = child(node, 'ПометкаУдаления');
    return {
      kind: 'document',
      id: requireId(node),
      containerIndex,
      versionNumber: childText(node, 'НомерВерсии'),
      number: childText(node, 'Номер'),
      date: this.date(child(node, 'Дата')),
      time: this.time(child(node, 'Время')),
      operation: childText(node, 'ХозОперация'),
      role: childText(node, 'Роль'),
      currency: childText(node, 'Валюта'),
      rate: this.decimal(child(node, 'Курс')),
      amount: this.decimal(child(node, 'Сумма')),
      paymentDueDate: normalizeDate(childText(node, 'СрокПлатежа')),
      comment: childText(node, 'Комментарий'),
      number1c: childText(node, 'Номер1С') ?? text(requisite('Номер по 1С')),
      date1c: this.dateTime(child(node, 'Дата1С') ?? requisite('Дата по 1С')),
      deleted: deletionElement
        ? this.boolean(deletionElement, text(deletionElement))
        : requisiteBoolean('ПометкаУдаления'),
      posted: requisiteBoolean('Проведен'),
      paid: requisite('Оплачен') ? requisiteBoolean('Оплачен') : requisiteBoolean('Заказ оплачен'),
      paymentNumber1c: text(requisite('Номер оплаты по 1С')),
      paymentDate1c: requisiteDateTime('Дата оплаты по 1С'),
      shipped: requisiteBoolean('Отгружен'),
      shipmentNumber1c: text(requisite('Номер отгрузки по 1С')),
      shipmentDate1c: requisiteDateTime('Дата отгрузки по 1С'),
      cancelled: requisiteBoolean('Отменен'),
      status: text(requisite('Статус заказа')),
      statusId: text(requisite('Статуса заказа ИД')),
      counterparties: items(node, 'Контрагенты', 'Контрагент').map(counterparty),
      items: items(node, 'Товары', 'Товар').map((item) => this.documentItem(item)),
      taxes: this.taxAmounts(node),
      requisites: this.requisites(node),
      subordinateDocuments: items(node, 'ПодчиненныеДокументы', 'ПодчиненныйДокумент').map((subordinate) => ({
        id: childText(subordinate, 'Ид'),
        number: childText(subordinate, 'Номер'),
        date: this.date(child(subordinate, 'Дата')),
        operation: childText(subordinate, 'ХозОперация'),
        amount: this.decimal(child(subordinate, 'Сумма')),
      })),
    };
  }

  private documentItem(node: XmlNode): DocumentItem {
    const id = childText(node, 'Ид');
    const ids = id === null ? { productId: null, characteristicId: null } : splitId(id);
    return {
      id,
      ...ids,
      catalogId: childText(node, 'ИдКаталога'),
      article: childText(node, 'Артикул'),
      barcode: childText(node, 'Штрихкод'),
      name: childText(node, 'Наименование'),
      baseUnit: this.unitRef(child(node, 'БазоваяЕдиница')),
      unit: this.unitRef(child(node, 'Единица')),
      coefficient: this.decimal(child(node, 'Коэффициент')),
      pricePerUnit: this.decimal(child(node, 'ЦенаЗаЕдиницу') ?? child(node, 'Цена')),
      quantity: this.decimal(child(node, 'Количество')),
      amount: this.decimal(child(node, 'Сумма')),
      taxRates: taxRates(node),
      taxes: this.taxAmounts(node),
      requisites: this.requisites(node),
      characteristics: characteristics(node),
    };
  }

  private taxAmounts(node: XmlNode): TaxAmount[] {
    return items(node, 'Налоги', 'Налог').map((tax) => ({
      name: childText(tax, 'Наименование') ?? '',
      includedInSum: this.childBoolean(tax, 'УчтеноВСумме'),
      amount: this.decimal(child(tax, 'Сумма')),
      rate: childText(tax, 'Ставка'),
    }));
  }

  private price(node: XmlNode): OfferPrice {
    return {
      priceTypeId: childText(node, 'ИдТипаЦены') ?? '',
      pricePerUnit: this.decimal(child(node, 'ЦенаЗаЕдиницу')),
      currency: childText(node, 'Валюта'),
      unit: childText(node, 'Единица'),
      coefficient: this.decimal(child(node, 'Коэффициент')),
      presentation: normalizeSpaces(childText(node, 'Представление')),
    };
  }

  private collectStock(warehouse: XmlNode, into: OfferStock[]): void {
    const warehouseId = attribute(warehouse, 'ИдСклада') ?? childText(warehouse, 'Ид');
    if (warehouseId === null) {
      this.warn(warehouse, 'Stock line without a warehouse id is ignored');
      return;
    }
    const rawQuantity = attribute(warehouse, 'КоличествоНаСкладе');
    const quantity =
      rawQuantity === null ? this.decimal(child(warehouse, 'Количество')) : normalizeDecimal(rawQuantity);
    if (rawQuantity !== null && quantity === null) {
      this.warn(warehouse, `КоличествоНаСкладе "${rawQuantity}" is not a number`);
    }
    into.push({ warehouseId, quantity });
  }

  private propertyValues(node: XmlNode): PropertyValue[] {
    const found: PropertyValue[] = [];
    for (const value of items(node, 'ЗначенияСвойств', 'ЗначенияСвойства')) {
      const propertyId = childText(value, 'Ид');
      if (propertyId === null) {
        this.warn(value, 'Property value without Ид is ignored');
        continue;
      }
      const numeric = this.numericProperties.has(propertyId);
      const values: string[] = [];
      for (const valueNode of value.children) {
        const raw = valueNode.name === 'Значение' ? text(valueNode) : null;
        if (raw !== null) {
          values.push(numeric ? (this.decimal(valueNode) ?? raw) : raw);
        }
      }
      found.push({ propertyId, values });
    }
    return found;
  }

  private requisites(node: XmlNode): Requisite[] {
    return items(node, 'ЗначенияРеквизитов', 'ЗначениеРеквизита').map((requisite) => ({
      name: childText(requisite, 'Наименование') ?? '',
      value: childText(requisite, 'Значение') ?? '',
    }));
  }

  private unitRef(node: XmlNode | undefined): UnitRef | null {
    if (!node) {
      return null;
    }
    return {
      code: attribute(node, 'Код') ?? childText(node, 'Код'),
      text: text(node) ?? childText(node, 'НаименованиеКраткое') ?? attribute(node, 'НаименованиеКраткое'),
      fullName: attribute(node, 'НаименованиеПолное') ?? childText(node, 'НаименованиеПолное'),
      internationalAbbreviation:
        attribute(node, 'МеждународноеСокращение') ?? childText(node, 'МеждународноеСокращение'),
      conversions: childrenNamed(node, 'Пересчет').map((conversion) => ({
        unit: childText(conversion, 'Единица'),
        coefficient: this.decimal(child(conversion, 'Коэффициент')),
      })),
    };
  }

  private deletionMark(node: XmlNode): boolean {
    return this.childBoolean(node, 'ПометкаУдаления') ?? false;
  }

  private childBoolean(node: XmlNode, name: string): boolean | null {
    const valueNode = child(node, name);
    return valueNode ? this.boolean(valueNode, text(valueNode)) : null;
  }

  private boolean(node: XmlNode, raw: string | null): boolean | null {
    const value = normalizeBoolean(raw);
    if (value === null && raw !== null) {
      this.warn(node, `"${raw}" in <${node.name}> is not a boolean`);
    }
    return value;
  }

  private decimal(node: XmlNode | undefined): string | null {
    return this.normalized(node, normalizeDecimal, 'a number');
  }

  private date(node: XmlNode | undefined): string | null {
    return this.normalized(node, normalizeDate, 'a date');
  }

  private time(node: XmlNode | undefined): string | null {
    return this.normalized(node, normalizeTime, 'a time');
  }

  private dateTime(node: XmlNode | undefined): string | null {
    return this.normalized(node, normalizeDateTime, 'a date');
  }

  private normalized(
    node: XmlNode | undefined,
    normalize: (raw: string) => string | null,
    expected: string,
  ): string | null {
    const raw = text(node);
    if (raw === null || node === undefined) {
      return null;
    }
    const value = normalize(raw);
    if (value === null) {
      this.warn(node, `"${raw}" in <${node.name}> is not ${expected}`);
    }
    return value;
  }
}

function counterparty(node: XmlNode): DocumentCounterparty {
  const address = child(node, 'АдресРегистрации') ?? child(node, 'ЮридическийАдрес') ?? child(node, 'Адрес');
  return {
    id: childText(node, 'Ид'),
    name: childText(node, 'Наименование'),
    role: childText(node, 'Роль'),
    fullName: childText(node, 'ПолноеНаименование'),
    officialName: childText(node, 'ОфициальноеНаименование'),
    lastName: childText(node, 'Фамилия'),
    firstName: childText(node, 'Имя'),
    middleName: childText(node, 'Отчество'),
    inn: childText(node, 'ИНН'),
    kpp: childText(node, 'КПП'),
    address: address
      ? {
          presentation: childText(address, 'Представление'),
          fields: childrenNamed(address, 'АдресноеПоле').map((field) => ({
            type: childText(field, 'Тип') ?? '',
            value: childText(field, 'Значение') ?? '',
          })),
        }
      : null,
    contacts: items(node, 'Контакты', 'Контакт').map((contact) => ({
      type: childText(contact, 'Тип') ?? childText(contact, 'КонтактВид') ?? '',
      value: childText(contact, 'Значение') ?? '',
    })),
    representatives: items(node, 'Представители', 'Представитель').map((representative) => {
      // Bitrix nests the person in a `Контрагент` element; the standard and 3.1 put the fields directly inside.
      const person = child(representative, 'Контрагент') ?? representative;
      return {
        id: childText(person, 'Ид'),
        name: childText(person, 'Наименование'),
        relation: childText(person, 'Отношение'),
      };
    }),
  };
}

function taxRates(node: XmlNode): TaxRate[] {
  return items(node, 'СтавкиНалогов', 'СтавкаНалога').map((rate) => ({
    name: childText(rate, 'Наименование') ?? '',
    rate: childText(rate, 'Ставка'),
  }));
}

function characteristics(node: XmlNode): Characteristic[] {
  return items(node, 'ХарактеристикиТовара', 'ХарактеристикаТовара').map((characteristic) => ({
    id: childText(characteristic, 'Ид'),
    name: childText(characteristic, 'Наименование') ?? '',
    value: childText(characteristic, 'Значение') ?? '',
  }));
}

// Requisite names are matched loosely: Bitrix mixes a Latin "C" into Cyrillic words (`Cтатусы`) and 1C is
// inconsistent about case and spacing.
function requisiteKey(name: string): string {
  return name.toLowerCase().replace(/c/g, 'с').replace(/\s+/g, ' ').trim();
}

function requisiteValueNodes(node: XmlNode): Map<string, XmlNode> {
  const byName = new Map<string, XmlNode>();
  for (const requisite of items(node, 'ЗначенияРеквизитов', 'ЗначениеРеквизита')) {
    const name = childText(requisite, 'Наименование');
    const value = child(requisite, 'Значение');
    if (name !== null && value && !byName.has(requisiteKey(name))) {
      byName.set(requisiteKey(name), value);
    }
  }
  return byName;
}

function splitId(id: string): { productId: string; characteristicId: string | null } {
  const hash = id.indexOf('#');
  if (hash < 0) {
    return { productId: id, characteristicId: null };
  }
  return { productId: id.slice(0, hash), characteristicId: id.slice(hash + 1) || null };
}

function requireId(node: XmlNode): string {
  const id = childText(node, 'Ид');
  if (id === null) {
    throw missingId(node);
  }
  return id;
}

function missingId(node: XmlNode): CommerceMlError {
  return new CommerceMlError(CommerceMlErrorCode.MissingId, `<${node.name}> has no Ид`, {
    line: node.line,
    column: node.column,
  });
}
