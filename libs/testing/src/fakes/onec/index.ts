// The fake 1C (exchange client and HTTP service) lives here.
export {};
