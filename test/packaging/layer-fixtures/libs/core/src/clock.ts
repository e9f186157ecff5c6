// ✗ core-imports-nothing-above
import '@app/events';
