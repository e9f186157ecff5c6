// ✗ connector-to-domain
import '@app/master-data';
