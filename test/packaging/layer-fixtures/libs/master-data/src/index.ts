export const masterData = 'master-data';
