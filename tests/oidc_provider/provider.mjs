// panva's certified OpenID Connect provider (npm oidc-provider, pinned in package.json),
// configured as ProConnect's federation is, for tests/e2e/test_proconnect.py:
// - authorisation code with PKCE (S256, required), the client authenticated by
//   client_secret_post;
// - ID token and userinfo signed (ES256 or RS256, as each client is registered), userinfo
//   as a JWT (application/jwt);
// - claims given_name, usual_name, email, siret, organization_label, idp_id (userinfo), acr and
//   amr (ID token), the claims parameter accepted;
// - RP-initiated logout (end_session_endpoint) with post_logout_redirect_uri and state.
//
// Its configuration comes from the environment variable PROVIDER_CONFIG (JSON):
//   {"port": 0, "clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris,
//     id_token_signed_response_alg, userinfo_signed_response_alg}],
//    "accounts": {"<login>": {"sub": ..., "acr": ..., "amr": [...], claims...}}}
// It prints « listening <issuer> » on its standard output once it listens on 127.0.0.1.
//
// Its login page (its own interaction, no JavaScript) asks for a login among the accounts and
// has a « Refuser » button, which returns the error access_denied to the client. The level
// (acr) of an account is the one it is given, even when the client asked for another as
// essential: as ProConnect, which passes on the level of the identity provider behind it and
// leaves the check to the service.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';

import Provider, { interactionPolicy } from 'oidc-provider';

const config = JSON.parse(process.env.PROVIDER_CONFIG ?? '{}');
const accounts = config.accounts ?? {};
const bySubject = Object.fromEntries(
  Object.entries(accounts).map(([login, account]) => [account.sub, { login, ...account }]),
);
const CLAIMS = ['email', 'given_name', 'usual_name', 'siret', 'organization_label', 'idp_id'];

function signingKeys() {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return [
    { ...ec, kid: 'cle-es256', alg: 'ES256', use: 'sig' },
    { ...rsa, kid: 'cle-rs256', alg: 'RS256', use: 'sig' },
  ];
}

// The login prompt without its checks of an essential acr: the provider issues the account's
// level, and the client must refuse it when too low.
const policy = interactionPolicy.base();
const login = policy.get('login');
login.checks.remove('essential_acrs');
login.checks.remove('essential_acr');

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function listen(provider, port) {
  provider.use(async (ctx, next) => {
    const match = ctx.path.match(/^\/interaction\/([\w-]+)(\/login)?$/);
    if (!match) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { prompt, params, uid } = details;
    if (ctx.method === 'GET' && prompt.name === 'login') {
      ctx.type = 'html';
      ctx.body = page(
        'Fournisseur d’identité de test : connexion',
        `<form method="post" action="/interaction/${escape(uid)}/login">
  <label for="login">Identifiant</label>
  <input id="login" name="login" autocomplete="off" required>
  <button type="submit" name="action" value="login">Se connecter</button>
  <button type="submit" name="action" value="refuse" formnovalidate>Refuser</button>
</form>`,
      );
      return undefined;
    }
    if (ctx.method === 'POST' && match[2] && prompt.name === 'login') {
      const form = await formBody(ctx.req);
      let result;
      if (form.get('action') === 'refuse') {
        result = {
          error: 'access_denied',
          error_description: "L'agent a refusé la connexion au service.",
        };
      } else {
        const account = accounts[form.get('login') ?? ''];
        if (!account) {
          ctx.status = 401;
          ctx.type = 'html';
          ctx.body = page('Identifiant inconnu', '<p>Identifiant inconnu.</p>');
          return undefined;
        }
        result = { login: { accountId: account.sub, acr: account.acr, amr: account.amr } };
      }
      ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result));
      return undefined;
    }
    if (prompt.name === 'consent') {
      // Consent is given once for all (ProConnect asks the agent nothing more).
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
      if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
      if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
      const grantId = await grant.save();
      const consent = details.grantId ? {} : { grantId };
      ctx.redirect(
        await provider.interactionResult(ctx.req, ctx.res, { consent }, { mergeWithLastSubmission: true }),
      );
      return undefined;
    }
    ctx.status = 400;
    ctx.body = `unexpected interaction ${prompt.name}`;
    return undefined;
  });
  const server = http.createServer(provider.callback());
  server.listen(port, '127.0.0.1');
  return server;
}

const probe = http.createServer();
// The port first (the issuer names it), then the provider.
probe.listen(config.port ?? 0, '127.0.0.1', () => {
  const { port } = probe.address();
  probe.close(() => {
    const issuer = `http://127.0.0.1:${port}`;
    const provider = new Provider(issuer, {
      clients: config.clients ?? [],
      jwks: { keys: signingKeys() },
      cookies: { keys: [randomBytes(32).toString('hex')] },
      claims: {
        openid: ['sub'],
        amr: null, // asked for with the claims parameter, as ProConnect's
        email: ['email'],
        given_name: ['given_name'],
        usual_name: ['usual_name'],
        siret: ['siret'],
        organization_label: ['organization_label'],
        idp_id: ['idp_id'],
      },
      scopes: ['openid', ...CLAIMS],
      acrValues: ['eidas1', 'eidas2', 'eidas3'],
      clientDefaults: {
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'ES256',
      },
      enabledJWA: {
        idTokenSigningAlgValues: ['ES256', 'RS256'],
        userinfoSigningAlgValues: ['ES256', 'RS256'],
      },
      features: {
        devInteractions: { enabled: false },
        claimsParameter: { enabled: true },
        jwtUserinfo: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          // Its own pages (the defaults fetch a web font from another site).
          async logoutSource(ctx, form) {
            ctx.type = 'html';
            ctx.body = page(
              'Fournisseur d’identité de test : déconnexion',
              `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Me déconnecter</button>
<button type="submit" form="op.logoutForm">Rester connecté</button>`,
            );
          },
          async postLogoutSuccessSource(ctx) {
            ctx.type = 'html';
            ctx.body = page('Fournisseur d’identité de test : déconnecté', '<p>Déconnecté.</p>');
          },
        },
      },
      async renderError(ctx, out) {
        ctx.type = 'html';
        ctx.body = page('Fournisseur d’identité de test : erreur', `<pre>${escape(JSON.stringify(out))}</pre>`);
      },
      pkce: { required: () => true },
      interactions: {
        policy,
        url: (ctx, interaction) => `/interaction/${interaction.uid}`,
      },
      async findAccount(ctx, sub) {
        const account = bySubject[sub];
        if (!account) return undefined;
        return {
          accountId: sub,
          async claims() {
            const claims = { sub };
            for (const name of CLAIMS) if (account[name] !== undefined) claims[name] = account[name];
            return claims;
          },
        };
      },
      ttl: { AccessToken: 60, AuthorizationCode: 30, IdToken: 3600, Interaction: 600, Session: 43200, Grant: 43200 },
    });
    listen(provider, port);
    process.stdout.write(`listening ${issuer}\n`);
  });
});
