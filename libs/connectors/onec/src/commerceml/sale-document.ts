/**
 * An order or a return waiting for 1C, in neutral form: what the writer turns into a CommerceML `Документ` for the
 * `type=sale&mode=query` reply. Money and quantities are decimal strings; dates and times are 1C's local wall-clock
 * time (see toLocalDateTime).
 */
export interface SaleDocument {
  /** `Ид`: our order id; 1C sends it back in `sale/file` */
  id: string;
  /** `Номер` */
  number: string;
  /** `Дата`, `YYYY-MM-DD` */
  date: string;
  /** `Время`, `HH:MM:SS` */
  time?: string;
  /** `ХозОперация`: `Заказ товара` for orders, `Возврат товара` for returns */
  operation: string;
  /** `Роль`: our role in the operation, `Продавец` for a shop */
  role: string;
  /** `Валюта` (`руб`, as Bitrix sends) */
  currency: string;
  /** `Курс` */
  rate: string;
  /** `Сумма` */
  amount: string;
  /** `Комментарий` */
  comment?: string;
  /** `Контрагенты`; 1C requires at least one */
  counterparties: SaleCounterparty[];
  /** `Налоги`: document totals per tax */
  taxes?: SaleTax[];
  /** `Товары` */
  items: SaleItem[];
  /** `ЗначенияРеквизитов` (`Метод оплаты`, `Заказ оплачен`, `Статус заказа`, …) */
  requisites?: { name: string; value: string }[];
}

/**
 * `Контрагент`. With `officialName` it is written as a company (`ОфициальноеНаименование`, `ЮридическийАдрес`),
 * otherwise as an individual (`ПолноеНаименование`, `АдресРегистрации`), the two branches of the XSD choice.
 */
export interface SaleCounterparty {
  /** `Ид` */
  id: string;
  /** `Наименование` */
  name: string;
  /** `Роль`: `Покупатель`, `Плательщик`, `Получатель` */
  role: string;
  /** `ПолноеНаименование` of an individual; defaults to `name` */
  fullName?: string;
  /** `ОфициальноеНаименование` of a company */
  officialName?: string;
  /** `Фамилия` */
  lastName?: string;
  /** `Имя` */
  firstName?: string;
  /** `Отчество` */
  middleName?: string;
  /** `ИНН` */
  inn?: string;
  /** `КПП` */
  kpp?: string;
  /** `АдресРегистрации` / `ЮридическийАдрес` */
  address?: { presentation: string; fields?: { type: string; value: string }[] };
  /** `Контакты/Контакт{Тип, Значение}` (`Почта`, `ТелефонРабочий`) */
  contacts?: { type: string; value: string }[];
}

export interface SaleTax {
  /** `Наименование` (`НДС`) */
  name: string;
  /** `УчтеноВСумме` */
  includedInSum: boolean;
  /** `Сумма` */
  amount: string;
  /** `Ставка` */
  rate?: string;
}

/** `Товар` line; a delivery is a line with id `ORDER_DELIVERY` and requisite `ТипНоменклатуры=Услуга`. */
export interface SaleItem {
  /** `Ид`: the 1C product `Ид`, or `<product>#<characteristic>` */
  id: string;
  /** `Наименование` */
  name: string;
  /** `Артикул` */
  article?: string;
  /** `ИдКаталога` */
  catalogId?: string;
  /** `БазоваяЕдиница`: `@Код`, text, `@НаименованиеПолное`, `@МеждународноеСокращение` (`796`, `шт`, `Штука`, `PCE`) */
  unit: { code: string; name: string; fullName?: string; internationalAbbreviation?: string };
  /** `ЦенаЗаЕдиницу` */
  pricePerUnit: string;
  /** `Количество` */
  quantity: string;
  /** `Сумма` */
  amount: string;
  /** `СтавкиНалогов/СтавкаНалога` + `Налоги/Налог` (`НДС`): rate as 1C writes it (`20`, `Без налога`) */
  vat?: { rate: string; amount: string; includedInSum: boolean };
  /** `ЗначенияРеквизитов` (`ВидНоменклатуры`, `ТипНоменклатуры`) */
  requisites?: { name: string; value: string }[];
}
