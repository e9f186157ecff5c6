export const client = 'onec';
