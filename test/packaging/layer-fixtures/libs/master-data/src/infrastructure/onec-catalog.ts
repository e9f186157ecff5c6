import '@app/onec';
// ✗ lib-through-its-index
import '../../../connectors/onec/src/client';
