import '@app/master-data';
// ✗ lib-to-app
import '../../../../apps/api/src/main';
