import '@app/core';
