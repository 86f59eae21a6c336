// Drives Debian's headless Chromium through fed-broker's journey as a person does, with
// puppeteer-core: open the broker, type the user and password into the provider's login page,
// read the broker's role page, pick a service and region, click the role's button (a form
// POST with its CSRF token), and read the console page it lands on. A service or region is
// chosen from the role's menu, or typed into its field where the role offers any.
//
// Usage: node journey.mjs BROKER_URL USER ROLE_NAME [SERVICE [REGION]]
//
// Environment:
//   FED_CHROMIUM   the browser to drive (never downloaded)
//   FED_PROFILE    an empty directory for the browser's profile
//   FED_PASSWORD   the user's password; kept off every command line
//
// It prints one JSON object on stdout (no URL query, token or cookie in it):
//   login        the origin and path of the page where the password was typed
//   roles        the role names on the broker's role page, in order
//   user         who the role page says is signed in
//   console      the navigations of the click on the role's button, redirects included:
//                method, origin and path, status, and whether the body held the CSRF token
//   landed       the origin and path of the page the click ended on
//   principal, issuer, destination: what that page shows

import { launchChromium, need } from './chromium.mjs';

const [brokerUrl, user, roleName, service, region] = process.argv.slice(2);
if (!brokerUrl || !user || !roleName) {
  console.error('usage: node journey.mjs BROKER_URL USER ROLE_NAME [SERVICE [REGION]]');
  process.exit(2);
}
const password = need('FED_PASSWORD');

// An address without its query: sign-in tokens and codes travel there.
const where = (url) => {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};

const browser = await launchChromium();

let page;
try {
  page = await browser.newPage();
  page.setDefaultTimeout(30_000);

  // The broker sends the browser to the provider's login page.
  await page.goto(brokerUrl, { waitUntil: 'load' });
  await page.waitForSelector('#login');
  const login = where(page.url());
  await page.type('#login', user);
  await page.type('#password', password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#submit')]);

  // Back at the broker, signed in: its role page.
  await page.waitForSelector('#user');
  const signedIn = await page.$eval('#user', (e) => e.textContent);
  const roles = await page.$$eval('#roles li h3', (names) => names.map((n) => n.textContent));
  let item;
  for (const li of await page.$$('#roles li')) {
    if ((await li.$eval('h3', (h) => h.textContent)) === roleName) item = li;
  }
  if (!item) throw new Error(`no role named ${roleName} on the page: ${JSON.stringify(roles)}`);
  for (const [name, value] of [['service', service], ['region', region]]) {
    if (!value) continue;
    // A role limited to some services or regions offers a menu; any other, a field to type in.
    const select = await item.$(`select[name=${name}]`);
    if (select) {
      const chosen = await select.select(value);
      if (chosen.length !== 1) throw new Error(`the role ${roleName} does not offer ${name} ${value}`);
      continue;
    }
    const field = await item.$(`input[name=${name}]`);
    if (!field) throw new Error(`the role ${roleName} offers no ${name}`);
    await field.type(value);
  }

  const requests = [];
  page.on('response', (response) => {
    const request = response.request();
    if (!request.isNavigationRequest()) return;
    requests.push({
      method: request.method(),
      url: where(request.url()),
      status: response.status(),
      csrf: /(^|&)csrf=[0-9a-f]+(&|$)/.test(request.postData() ?? ''),
    });
  });
  const button = await item.$('button[type=submit]');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);

  // The console page of the federation emulator.
  await page.waitForSelector('#principal');
  const text = (selector) => page.$eval(selector, (e) => e.textContent);
  console.log(JSON.stringify({
    login,
    roles,
    user: signedIn,
    console: requests,
    landed: where(page.url()),
    principal: await text('#principal'),
    issuer: await text('#issuer'),
    destination: await text('#destination'),
  }));
} catch (err) {
  const at = page ? where(page.url()) : '(no page)';
  console.error(`${err.message}\nat ${at}`);
  if (page) console.error(await page.content().catch(() => ''));
  process.exitCode = 1;
} finally {
  await browser.close();
}
