import '@app/core';
import '@app/onec';
