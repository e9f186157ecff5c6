// ✗ test-code-in-production
import '@app/testing';
