// Values shared by vitest.config.ts (Node) and the tests (workerd).
export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789";
/** The HF_TOKEN secret in tests; the HF stand-in (test/space-servers.ts) accepts only this. */
export const TEST_HF_TOKEN = "hf_test_token";
