import '@app/core';
import '@app/events';
