// A real OpenID Connect provider for the sign-in tests: oidc-provider from npm with its development interactions
// (a login form that accepts any login, then a consent form), one confidential client, and a "groups" claim.
// Usage: node oidc-provider.mjs <path of oidc-provider/lib/index.js> <port> <issuer> <client id> <client secret> <redirect uris, comma-separated> <groups JSON: {"login": ["group", ...]}>
// Used by tests/IntegrationTests/Infrastructure/OidcProvider.cs.
import { pathToFileURL } from "node:url";

const [modulePath, port, issuer, clientId, clientSecret, redirectUris, groupsJson] = process.argv.slice(2);
const { default: Provider } = await import(pathToFileURL(modulePath).href);
const groups = JSON.parse(groupsJson);

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris.split(","),
    grant_types: ["authorization_code"],
    response_types: ["code"],
  }],
  scopes: ["openid", "email", "profile", "groups"],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
  // The claims go into the ID token too, as most providers put them there (Entra ID puts groups there).
  conformIdTokenClaims: false,
  findAccount: (_, id) => ({
    accountId: id,
    claims: () => ({ sub: id, email: `${id}@example.test`, email_verified: true, name: `User ${id}`, groups: groups[id] ?? [] }),
  }),
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["test-only-cookie-key"] },
});

// The tests change a person's groups between sign-ins: PUT /test/groups/{login} with a JSON array.
provider.use(async (ctx, next) => {
  const match = /^\/test\/groups\/([^/]+)$/.exec(ctx.path);
  if (!match || ctx.method !== "PUT") return next();
  let body = "";
  for await (const chunk of ctx.req) body += chunk;
  groups[decodeURIComponent(match[1])] = JSON.parse(body);
  ctx.status = 204;
});

provider.listen(+port, () => console.log(`oidc-provider listening on ${issuer}`));
