// ✗ connector-to-connector
import '@app/onec';
