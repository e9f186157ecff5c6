import type { SaleDocument } from '../src/commerceml/sale-document';

/** An order with the traps the writer must escape and the XSD branches it must choose. */
export const SAMPLE_ORDER: SaleDocument = {
  id: 'MM-1001',
  number: '1001',
  date: '2024-03-01',
  time: '09:05:00',
  operation: 'Заказ товара',
  role: 'Продавец',
  currency: 'руб',
  rate: '1',
  amount: '2950.50',
  comment: 'Позвонить за час & не звонить в домофон <кв. 5>, "срочно"',
  counterparties: [
    {
      id: '42#ivanov#Иван Иванов',
      name: 'Иван Иванов',
      role: 'Покупатель',
      fullName: 'Иванов Иван Иванович',
      lastName: 'Иванов',
      firstName: 'Иван',
      middleName: 'Иванович',
      address: {
        presentation: '123456, Москва, ул. Ленина, д. 1',
        fields: [
          { type: 'Почтовый индекс', value: '123456' },
          { type: 'Город', value: 'Москва' },
        ],
      },
      contacts: [
        { type: 'Телефон рабочий', value: '+7 900 000-00-00' },
        { type: 'Почта', value: 'ivanov@example.com' },
      ],
    },
  ],
  taxes: [{ name: 'НДС', includedInSum: true, amount: '491.75', rate: '20' }],
  items: [
    {
      id: 'bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1#9b62e395-ef8b-11e3-9438-00155d020201',
      name: 'Коврик "Portable" 140×200 — ёлочка',
      article: 'PM-421-WP',
      catalogId: 'b21db898-7f82-46d8-a5ca-7c4f1d200a13',
      unit: { code: '796', name: 'шт', fullName: 'Штука', internationalAbbreviation: 'PCE' },
      pricePerUnit: '1475.25',
      quantity: '2',
      amount: '2950.50',
      vat: { rate: '20', amount: '491.75', includedInSum: true },
      requisites: [
        { name: 'ВидНоменклатуры', value: 'Товар' },
        { name: 'ТипНоменклатуры', value: 'Товар' },
      ],
    },
    {
      id: 'ORDER_DELIVERY',
      name: 'Доставка',
      unit: { code: '796', name: 'шт' },
      pricePerUnit: '0',
      quantity: '1',
      amount: '0',
      requisites: [{ name: 'ТипНоменклатуры', value: 'Услуга' }],
    },
  ],
  requisites: [
    { name: 'Метод оплаты', value: 'Наличные курьеру' },
    { name: 'Заказ оплачен', value: 'false' },
    { name: 'Статус заказа', value: '[N] Принят' },
  ],
};

/** A return to a company (the XSD's legal-entity branch). */
export const SAMPLE_RETURN: SaleDocument = {
  id: 'MM-R-17',
  number: 'R-17',
  date: '2024-03-02',
  operation: 'Возврат товара',
  role: 'Продавец',
  currency: 'руб',
  rate: '1',
  amount: '-1475.25',
  counterparties: [
    {
      id: 'org-7',
      name: 'ООО «Ромашка»',
      role: 'Покупатель',
      officialName: 'Общество с ограниченной ответственностью «Ромашка»',
      inn: '7701234567',
      kpp: '770101001',
      address: { presentation: 'Москва, Тверская, 1' },
    },
  ],
  items: [
    {
      id: 'bd8c4e15-18f9-11e7-80c2-0cc47ab29cd1',
      name: 'Коврик',
      unit: { code: '796', name: 'шт' },
      pricePerUnit: '1475.25',
      quantity: '-1',
      amount: '-1475.25',
    },
  ],
};
