export const core = 'core';
