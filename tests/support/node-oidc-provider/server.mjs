// An independent OpenID provider for the end-to-end sign-in tests: panva's oidc-provider
// (OpenID Certified), configured the way a real IdP would register a command-line app.
// Nothing here changes how the library answers; this file only configures and starts it.
//
//   node server.mjs '{"client_id": "...", "redirect_uris": ["http://127.0.0.1:N/auth/callback"]}'
//
// Listens on 127.0.0.1 on a free port and prints one JSON line, {"issuer": "http://127.0.0.1:PORT"},
// once it answers. Its dev interactions are the login and consent pages: any login name is
// accepted (the password is ignored) and becomes the account `<login>` with email
// `<login>@example.test`. Stops on SIGTERM/SIGINT, or when its stdin closes (the test session died).

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const options = JSON.parse(process.argv[2] ?? '{}');
if (!options.client_id || !Array.isArray(options.redirect_uris)) {
  console.error('usage: node server.mjs \'{"client_id": "...", "redirect_uris": [...]}\'');
  process.exit(2);
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };
}

function configuration() {
  return {
    clients: [{
      client_id: options.client_id,
      client_name: 'OpenClaw CLI (test)',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
      redirect_uris: options.redirect_uris,
      id_token_signed_response_alg: 'RS256',
    }],
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      revocation: { enabled: true },
    },
    async findAccount(ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: `${id}@example.test`, email_verified: true, name: id };
        },
      };
    },
  };
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration());
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

const stop = () => { server.close(() => process.exit(0)); server.closeAllConnections(); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
