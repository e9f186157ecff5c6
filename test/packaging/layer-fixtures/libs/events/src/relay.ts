// ✗ events-imports-core-only
import '@app/bitrix24';
