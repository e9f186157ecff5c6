// The neutral records the parser emits. Field docs name the CommerceML element each value comes from.
// Text is trimmed (1C pads codes and names with spaces); optional values that are absent or empty are null.
// Money and quantities are decimal strings (see normalizeDecimal), dates are ISO strings in 1C's local time.

export interface RecordBase {
  /** Position of the record in the document's record sequence, counting from 0; stable across runs of one file. */
  ordinal: number;
}

/** `ЗначениеРеквизита`: a free-form name/value pair; 1C adds new ones without notice, so they are all kept. */
export interface Requisite {
  /** `Наименование` */
  name: string;
  /** first `Значение` ('' when empty) */
  value: string;
}

/** `БазоваяЕдиница` / `Единица`. Attribute form (`Код="796 "`), text form (`шт`, or a unit Ид in 3.1) or both. */
export interface UnitRef {
  /** `@Код` or child `Код`: OKEI code, trimmed (`"796 "` → `"796"`) */
  code: string | null;
  /** element text (`шт` from Bitrix, a unit Ид such as `2009` in 3.1) or child `НаименованиеКраткое` */
  text: string | null;
  /** `@НаименованиеПолное` or child `НаименованиеПолное` */
  fullName: string | null;
  /** `@МеждународноеСокращение` or child `МеждународноеСокращение` (`PCE`) */
  internationalAbbreviation: string | null;
  /** `Пересчет`: conversions to other units */
  conversions: { unit: string | null; coefficient: string | null }[];
}

/** `ЗначенияСвойства` */
export interface PropertyValue {
  /** `Ид`: the `Свойство.Ид` */
  propertyId: string;
  /**
   * every non-empty `Значение`; for `Справочник` properties this is the `ИдЗначения`. Values of properties that
   * this same file declares as `Число` are normalised to decimal strings (`"1,4"` → `"1.4"`).
   */
  values: string[];
}

/** `ХарактеристикаТовара` */
export interface Characteristic {
  /** `Ид` (2.09+ only) */
  id: string | null;
  /** `Наименование` (e.g. `Цвет`) */
  name: string;
  /** `Значение` */
  value: string;
}

/** `СтавкаНалога` */
export interface TaxRate {
  /** `Наименование` (`НДС`) */
  name: string;
  /** `Ставка`: a number (`20`) or a word (`Без налога`), kept verbatim */
  rate: string | null;
}

/** `Налог` in a document or a document line */
export interface TaxAmount {
  /** `Наименование` */
  name: string;
  /** `УчтеноВСумме` */
  includedInSum: boolean | null;
  /** `Сумма` */
  amount: string | null;
  /** `Ставка` */
  rate: string | null;
}

export type CommerceMlSection = 'classifier' | 'catalog' | 'offers';

/**
 * The header of one section of the root: `Классификатор`, `Каталог` or `ПакетПредложений`
 * (`ИзмененияПакетаПредложений` counts as an offers section). It is emitted before the section's entities.
 */
export interface PackageRecord extends RecordBase {
  kind: 'package';
  section: CommerceMlSection;
  /** `Ид` (offer packages use `<catalog Ид>#`); 2.09 packages may leave it empty */
  id: string | null;
  /** `Наименование` */
  name: string | null;
  /** `ИдКлассификатора` */
  classifierId: string | null;
  /** `ИдКаталога` (offer packages) */
  catalogId: string | null;
  /** `Владелец/Ид`, `Владелец/Наименование` */
  owner: { id: string | null; name: string | null } | null;
  /** `@СодержитТолькоИзменения` as written; null when the attribute is absent */
  containsOnlyChanges: boolean | null;
  /**
   * True only for an explicit `СодержитТолькоИзменения="false"`: the file is a full snapshot and whatever it does not
   * mention may be deactivated. An absent attribute is not treated as full, because mistaking a partial upload for a
   * full one deletes the rest of the catalogue (sgtpep/woocommerce-1c#56).
   */
  isFullSnapshot: boolean;
}

/** `Группа`, at any nesting depth; a parent is always emitted before its children. */
export interface GroupRecord extends RecordBase {
  kind: 'group';
  /** `Ид` */
  id: string;
  /** `Ид` of the enclosing `Группа`, null at the top level */
  parentId: string | null;
  /** `Наименование` */
  name: string;
  /** `Описание` */
  description: string | null;
  /** `НомерВерсии` (2.09+) */
  versionNumber: string | null;
  /** `ПометкаУдаления` */
  deleted: boolean;
}

/** `Свойство`, from the classifier or from a group's own `Свойства`. */
export interface PropertyRecord extends RecordBase {
  kind: 'property';
  /** `Ид` */
  id: string;
  /** `Ид` of the `Группа` declaring the property, null for classifier-wide properties */
  groupId: string | null;
  /** `Наименование` */
  name: string;
  /** `ТипЗначений`: `Строка`, `Число`, `Справочник`, … */
  valueType: string | null;
  /** `Множественное` */
  multiple: boolean;
  /** `ДляТоваров` */
  forProducts: boolean | null;
  /** `ДляПредложений` */
  forOffers: boolean | null;
  /** `ВариантыЗначений`: `Справочник{ИдЗначения, Значение}` entries, or bare `Значение` entries with a null id */
  values: { id: string | null; value: string }[];
  /** `НомерВерсии` */
  versionNumber: string | null;
  /** `ПометкаУдаления` */
  deleted: boolean;
}

/** `ЕдиницаИзмерения` from the classifier (2.09+ and 3.1). */
export interface UnitRecord extends RecordBase {
  kind: 'unit';
  /** `Ид`, or `Код` when the unit has no `Ид` (УТ 11 writes only `Код`) */
  id: string;
  /** `Код` (OKEI) */
  code: string | null;
  /** `НаименованиеКраткое` */
  shortName: string | null;
  /** `НаименованиеПолное` */
  fullName: string | null;
  /** `МеждународноеСокращение` */
  internationalAbbreviation: string | null;
  /** `ПометкаУдаления` */
  deleted: boolean;
}

/** `ТипЦены`, from the classifier or an offers package. */
export interface PriceTypeRecord extends RecordBase {
  kind: 'priceType';
  /** `Ид`: what offers reference as `ИдТипаЦены` */
  id: string;
  /** `Наименование` */
  name: string;
  /** `Валюта` (`руб`, `RUB`, `грн`, … verbatim) */
  currency: string | null;
  /** `Налог*` */
  taxes: { name: string; includedInSum: boolean | null; excise: boolean | null }[];
  /** `ПометкаУдаления` */
  deleted: boolean;
}

/** `Склад` declared in a classifier or an offers package (not the per-offer stock lines). */
export interface WarehouseRecord extends RecordBase {
  kind: 'warehouse';
  /** `Ид` */
  id: string;
  /** `Наименование` */
  name: string;
  /** `Адрес/Представление` */
  address: string | null;
  /** `Комментарий` */
  comment: string | null;
  /** `ПометкаУдаления` */
  deleted: boolean;
}

/** `Товар` of a `Каталог`. */
export interface ProductRecord extends RecordBase {
  kind: 'product';
  /** `Ид`: `<product>` or `<product>#<characteristic>` */
  id: string;
  /** part of `Ид` before `#` */
  productId: string;
  /** part of `Ид` after `#`, null when there is none */
  characteristicId: string | null;
  /** `НомерВерсии` */
  versionNumber: string | null;
  /** `ПометкаУдаления=true` or `@Статус="Удален"` */
  deleted: boolean;
  /** `@Статус` verbatim */
  status: string | null;
  /** `Штрихкод` */
  barcode: string | null;
  /** `Артикул` */
  article: string | null;
  /** `Код` (УТ 11.4+) */
  code: string | null;
  /** `Наименование` */
  name: string;
  /** `ПолноеНаименование`, or the `Полное наименование` requisite */
  fullName: string | null;
  /** `Описание` */
  description: string | null;
  /** `БазоваяЕдиница` */
  baseUnit: UnitRef | null;
  /** `Группы/Ид*` */
  groupIds: string[];
  /** `Картинка*`: paths inside the exchange (`import_files/bd/….jpg`) */
  images: string[];
  /** `Изготовитель` */
  manufacturer: { id: string | null; name: string | null } | null;
  /** `Страна` */
  country: string | null;
  /** `Вес` (3.1) */
  weight: string | null;
  /** `ЗначенияСвойств` */
  properties: PropertyValue[];
  /** `СтавкиНалогов` */
  taxRates: TaxRate[];
  /** `ЗначенияРеквизитов` */
  requisites: Requisite[];
  /** `ХарактеристикиТовара` */
  characteristics: Characteristic[];
}

/** `Цена` of an offer. */
export interface OfferPrice {
  /** `ИдТипаЦены` */
  priceTypeId: string;
  /** `ЦенаЗаЕдиницу`, normalised; null when 1C sent something that is not a number */
  pricePerUnit: string | null;
  /** `Валюта` */
  currency: string | null;
  /** `Единица` */
  unit: string | null;
  /** `Коэффициент` */
  coefficient: string | null;
  /** `Представление`, spaces normalised (`" 1 719 RUB за пара"` → `"1 719 RUB за пара"`) */
  presentation: string | null;
}

/** Stock of an offer in one warehouse: `Склад@ИдСклада/@КоличествоНаСкладе` or `Остатки/Остаток/Склад{Ид, Количество}`. */
export interface OfferStock {
  warehouseId: string;
  quantity: string | null;
}

/** `Предложение` of a `ПакетПредложений` (offers, prices and rests files). */
export interface OfferRecord extends RecordBase {
  kind: 'offer';
  /** `Ид`: `<product>` or `<product>#<characteristic>` */
  id: string;
  /** part of `Ид` before `#` */
  productId: string;
  /** part of `Ид` after `#` */
  characteristicId: string | null;
  /** `НомерВерсии` */
  versionNumber: string | null;
  /** `ПометкаУдаления` or `@Статус="Удален"` */
  deleted: boolean;
  /** `Штрихкод` */
  barcode: string | null;
  /** `Артикул` */
  article: string | null;
  /** `Наименование` */
  name: string | null;
  /** `БазоваяЕдиница` */
  baseUnit: UnitRef | null;
  /** `ХарактеристикиТовара` */
  characteristics: Characteristic[];
  /** `ЗначенияСвойств` */
  properties: PropertyValue[];
  /** `Цены`; empty when the file carries no prices for this offer */
  prices: OfferPrice[];
  /** `Количество` (total), or a bare `Остаток/Количество`; null when absent */
  quantity: string | null;
  /** per-warehouse stock; empty when the file carries none */
  stock: OfferStock[];
}

/** `Контрагент` of a document. */
export interface DocumentCounterparty {
  /** `Ид` (Bitrix: `<userId>#<login>#<name>`) */
  id: string | null;
  /** `Наименование` */
  name: string | null;
  /** `Роль`: `Покупатель`, `Плательщик`, `Получатель`, … */
  role: string | null;
  /** `ПолноеНаименование` (individuals) */
  fullName: string | null;
  /** `ОфициальноеНаименование` (companies) */
  officialName: string | null;
  /** `Фамилия` */
  lastName: string | null;
  /** `Имя` */
  firstName: string | null;
  /** `Отчество` */
  middleName: string | null;
  /** `ИНН` */
  inn: string | null;
  /** `КПП` */
  kpp: string | null;
  /** `АдресРегистрации`, `ЮридическийАдрес` or `Адрес` */
  address: { presentation: string | null; fields: { type: string; value: string }[] } | null;
  /** `Контакты/Контакт{Тип|КонтактВид, Значение}` */
  contacts: { type: string; value: string }[];
  /** `Представители/Представитель` (with or without the Bitrix inner `Контрагент`) */
  representatives: { id: string | null; name: string | null; relation: string | null }[];
}

/** `Товар` line of a document. */
export interface DocumentItem {
  /** `Ид`: product GUID, `<product>#<characteristic>`, or `ORDER_DELIVERY` for the delivery line */
  id: string | null;
  /** part of `Ид` before `#` */
  productId: string | null;
  /** part of `Ид` after `#` */
  characteristicId: string | null;
  /** `ИдКаталога` */
  catalogId: string | null;
  /** `Артикул` */
  article: string | null;
  /** `Штрихкод` */
  barcode: string | null;
  /** `Наименование` */
  name: string | null;
  /** `БазоваяЕдиница` */
  baseUnit: UnitRef | null;
  /** `Единица`: text (`шт`) or, in 3.1, an element with `Ид`/`Код`/`НаименованиеКраткое` */
  unit: UnitRef | null;
  /** `Коэффициент` */
  coefficient: string | null;
  /** `ЦенаЗаЕдиницу` (2.x) or `Цена` (3.1) */
  pricePerUnit: string | null;
  /** `Количество` */
  quantity: string | null;
  /** `Сумма` */
  amount: string | null;
  /** `СтавкиНалогов` */
  taxRates: TaxRate[];
  /** `Налоги` */
  taxes: TaxAmount[];
  /** `ЗначенияРеквизитов` (`ВидНоменклатуры`, `ТипНоменклатуры`, `СвойствоКорзины#…`) */
  requisites: Requisite[];
  /** `ХарактеристикиТовара` */
  characteristics: Characteristic[];
}

/**
 * `Документ` (directly under the root in 2.x, inside `Контейнер` in 3.1): an order sent by a site, or 1C's view of
 * it coming back through `type=sale&mode=file`. The status fields are read from the well-known requisites 1C and
 * Bitrix write (commerceml.md §2.4); every requisite is also kept verbatim in `requisites`.
 */
export interface DocumentRecord extends RecordBase {
  kind: 'document';
  /** `Ид` (the site's order id, or a 1C GUID) */
  id: string;
  /** 0-based index of the enclosing `Контейнер` (3.1), null in 2.x */
  containerIndex: number | null;
  /** `НомерВерсии` */
  versionNumber: string | null;
  /** `Номер` */
  number: string | null;
  /** `Дата`, ISO date */
  date: string | null;
  /** `Время`, `HH:MM:SS` */
  time: string | null;
  /** `ХозОперация` (`Заказ товара`, `Возврат товара`, …) */
  operation: string | null;
  /** `Роль` (`Продавец`) */
  role: string | null;
  /** `Валюта` */
  currency: string | null;
  /** `Курс` */
  rate: string | null;
  /** `Сумма` */
  amount: string | null;
  /** `СрокПлатежа`; 1C's empty date `0001-01-01` becomes null */
  paymentDueDate: string | null;
  /** `Комментарий` */
  comment: string | null;
  /** `Номер1С` (3.1) or requisite `Номер по 1С` */
  number1c: string | null;
  /** `Дата1С` (3.1) or requisite `Дата по 1С`, ISO date or date-time */
  date1c: string | null;
  /** `ПометкаУдаления` element or requisite */
  deleted: boolean | null;
  /** requisite `Проведен` */
  posted: boolean | null;
  /** requisite `Оплачен` (1C) or `Заказ оплачен` (Bitrix) */
  paid: boolean | null;
  /** requisite `Номер оплаты по 1С` */
  paymentNumber1c: string | null;
  /** requisite `Дата оплаты по 1С` */
  paymentDate1c: string | null;
  /** requisite `Отгружен` */
  shipped: boolean | null;
  /** requisite `Номер отгрузки по 1С` */
  shipmentNumber1c: string | null;
  /** requisite `Дата отгрузки по 1С` */
  shipmentDate1c: string | null;
  /** requisite `Отменен` */
  cancelled: boolean | null;
  /** requisite `Статус заказа` (Bitrix writes `[N] Принят`, 1C its own status name) */
  status: string | null;
  /** requisite `Статуса заказа ИД` (sic, Bitrix) */
  statusId: string | null;
  /** `Контрагенты` */
  counterparties: DocumentCounterparty[];
  /** `Товары` */
  items: DocumentItem[];
  /** `Налоги` */
  taxes: TaxAmount[];
  /** `ЗначенияРеквизитов`, verbatim */
  requisites: Requisite[];
  /** `ПодчиненныеДокументы` (2.10): payments and shipments attached to the order */
  subordinateDocuments: {
    id: string | null;
    number: string | null;
    date: string | null;
    operation: string | null;
    amount: string | null;
  }[];
}

export type CommerceMlRecord =
  | PackageRecord
  | GroupRecord
  | PropertyRecord
  | UnitRecord
  | PriceTypeRecord
  | WarehouseRecord
  | ProductRecord
  | OfferRecord
  | DocumentRecord;

export type CommerceMlRecordKind = CommerceMlRecord['kind'];

export const COMMERCEML_RECORD_KINDS: readonly CommerceMlRecordKind[] = [
  'package',
  'group',
  'property',
  'unit',
  'priceType',
  'warehouse',
  'product',
  'offer',
  'document',
];

/**
 * What a file is, decided from its content. `prices` and `rests` are offer packages that carry only prices or only
 * stock (the 1C-Bitrix module splits them into `prices___*.xml` / `rests___*.xml`); `empty` is a root without
 * sections, e.g. Bitrix's `sale/query` reply when no order is waiting; `unsupported` has sections this parser does
 * not read (e.g. the module's `Контрагенты`), so nothing was imported from it.
 */
export type CommerceMlDocumentKind =
  'import' | 'classifier' | 'offers' | 'prices' | 'rests' | 'documents' | 'empty' | 'unsupported';

export interface ParseWarning {
  line: number;
  column: number;
  message: string;
}

export interface ParseSummary {
  documentKind: CommerceMlDocumentKind;
  /** root `@ВерсияСхемы` as written (not trusted for anything: УТ 11 writes 2.08 with a 2.10 namespace) */
  schemaVersion: string | null;
  /** root `@ДатаФормирования`, normalised */
  generatedAt: string | null;
  encoding: 'utf-8' | 'windows-1251';
  /** the file started with a UTF-8 byte order mark */
  bom: boolean;
  /** `@СодержитТолькоИзменения` of the main section (catalog, offers package, or a lone classifier) */
  containsOnlyChanges: boolean | null;
  /** see PackageRecord.isFullSnapshot */
  isFullSnapshot: boolean;
  /** every record in the document, including those skipped by `skipRecords` */
  counts: Record<CommerceMlRecordKind, number>;
  totalRecords: number;
  emittedRecords: number;
  skippedRecords: number;
  bytesRead: number;
  /** values that could not be normalised (kept as null in the record); capped at 100 */
  warnings: ParseWarning[];
}
