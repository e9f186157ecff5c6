// ✗ domain-to-connector-outside-infrastructure
import '@app/onec';
