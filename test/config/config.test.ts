import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

/** A production environment that satisfies every requirement; tests take parts away. */
const PRODUCTION = {
  NODE_ENV: 'production',
  JWKS_URL: 'https://idp.example/.well-known/jwks.json',
  JWT_ISSUER: 'https://idp.example',
  JWT_AUDIENCE: 'kluis',
  DATABASE_URL: 'postgres://kluis@db/kluis',
};

describe('loadConfig', () => {
  it('should accept a complete production environment', () => {
    const config = loadConfig({ ...PRODUCTION });
    expect(config).toMatchObject({
      env: 'production',
      databaseUrl: PRODUCTION.DATABASE_URL,
      jwt: { issuer: PRODUCTION.JWT_ISSUER, audience: PRODUCTION.JWT_AUDIENCE, jwksUrl: PRODUCTION.JWKS_URL },
      runMigrations: true,
    });
    expect(loadConfig({ ...PRODUCTION, JWKS_URL: undefined, JWKS_FILE: '/etc/kluis/jwks.json' }).jwt.jwksFile).toBe('/etc/kluis/jwks.json');
  });

  it('should refuse production without JWKS_URL or JWKS_FILE', () => {
    expect(() => loadConfig({ ...PRODUCTION, JWKS_URL: undefined })).toThrow(ConfigError);
    expect(() => loadConfig({ ...PRODUCTION, JWKS_URL: '' })).toThrow(/JWKS_URL or JWKS_FILE/);
    expect(() => loadConfig({ ...PRODUCTION, JWKS_URL: '', JWKS_FILE: '' })).toThrow(ConfigError);
  });

  it('should refuse production without JWT_ISSUER or JWT_AUDIENCE', () => {
    expect(() => loadConfig({ ...PRODUCTION, JWT_ISSUER: undefined })).toThrow(/JWT_ISSUER and JWT_AUDIENCE/);
    expect(() => loadConfig({ ...PRODUCTION, JWT_AUDIENCE: undefined })).toThrow(/JWT_ISSUER and JWT_AUDIENCE/);
    expect(() => loadConfig({ ...PRODUCTION, JWT_ISSUER: '', JWT_AUDIENCE: '' })).toThrow(ConfigError);
  });

  it('should refuse SEED_DEMO=1 in production', () => {
    expect(() => loadConfig({ ...PRODUCTION, SEED_DEMO: '1' })).toThrow(/SEED_DEMO/);
    expect(loadConfig({ ...PRODUCTION, SEED_DEMO: '0' }).seedDemo).toBe(false);
  });

  it('should allow SEED_DEMO=1 outside production', () => {
    expect(loadConfig({ SEED_DEMO: '1' }).seedDemo).toBe(true);
    expect(loadConfig({}).seedDemo).toBeUndefined();
  });

  it('should skip migrations with MIGRATIONS=skip and run them otherwise', () => {
    expect(loadConfig({ MIGRATIONS: 'skip' }).runMigrations).toBe(false);
    expect(loadConfig({ ...PRODUCTION, MIGRATIONS: 'skip' }).runMigrations).toBe(false);
    expect(loadConfig({}).runMigrations).toBe(true);
    expect(loadConfig({ MIGRATIONS: 'run' }).runMigrations).toBe(true);
  });

  it('should default to development on 127.0.0.1:4000 with the development issuer and an embedded database', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: 'development', port: 4000, host: '127.0.0.1', databaseUrl: undefined, logLevel: 'info' });
    expect(config.jwt.jwksUrl).toBeUndefined();
    expect(config.jwt.jwksFile).toBeUndefined();
    expect(config.dataDir).toBe(path.resolve('.data'));
  });

  it('should read PORT, HOST and LOG_LEVEL', () => {
    expect(loadConfig({ PORT: '8080', HOST: '0.0.0.0', LOG_LEVEL: 'debug' })).toMatchObject({ port: 8080, host: '0.0.0.0', logLevel: 'debug' });
    expect(loadConfig({ NODE_ENV: 'test' })).toMatchObject({ env: 'test', logLevel: 'silent' });
  });

  it.each(['abc', '70000', '-1', '80.5', '4000x', '65536'])('should refuse PORT=%s', (port) => {
    expect(() => loadConfig({ PORT: port })).toThrow(ConfigError);
  });
});
