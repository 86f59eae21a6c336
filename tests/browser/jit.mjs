// Drives Debian's headless Chromium through just-in-time access as two people do it, each in a
// browser context of their own, with puppeteer-core: the requester signs in and, at one
// replica, asks for the role with a justification; the approver signs in and, at the other
// replica, approves
// it with a comment; the requester opens the console under the grant; the approver ends the
// grant; the requester's console page, reloaded, says access is denied.
//
// Usage: node jit.mjs REPLICA_A REPLICA_B ROLE_NAME REQUESTER APPROVER JUSTIFICATION
//
// Environment:
//   FED_CHROMIUM              the browser to drive (never downloaded)
//   FED_PROFILE               an empty directory for the browser's profile
//   FED_REQUESTER_PASSWORD    the passwords, kept off every command line
//   FED_APPROVER_PASSWORD
//
// It prints one JSON object on stdout (no URL query, token or cookie in it):
//   requested    the requester's "My requests" row after asking: grant, state, why
//   approvals    the approver's row of it before deciding: who, why, and whether Approve is there
//   approved     the row's state on the approver's page after approving
//   approveMs    milliseconds from the click on Approve to the page it leads to
//   granted      the role page's grant note, as the requester sees it
//   principal    who the console page says signed in
//   ended        the row's state on the approver's page after ending the grant
//   denied       what the console page says once access is denied
//   deniedAfter  milliseconds from the end to the denied page
//   mine         the requester's "My requests" row state at the end

import { launchChromium, need } from './chromium.mjs';

const [replicaA, replicaB, roleName, requester, approver, justification] = process.argv.slice(2);
if (!justification) {
  console.error('usage: node jit.mjs REPLICA_A REPLICA_B ROLE_NAME REQUESTER APPROVER JUSTIFICATION');
  process.exit(2);
}
const passwords = {
  [requester]: need('FED_REQUESTER_PASSWORD'),
  [approver]: need('FED_APPROVER_PASSWORD'),
};

const browser = await launchChromium();

// Clicks `selector` (an element or a selector) on `page` and waits for the page it leads to.
const follow = async (page, target) => {
  const element = typeof target === 'string' ? await page.$(target) : target;
  if (!element) throw new Error(`nothing to click: ${target}`);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), element.click()]);
};

// Signs `user` in on a page of a browser context of their own, and opens the role page of
// `replica`. The provider sends every sign-in back to the broker's public address (replica A,
// as a load balancer would); the sealed session cookie is good at every replica.
const signIn = async (replica, user) => {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(replicaA, { waitUntil: 'load' });
  await page.waitForSelector('#login');
  await page.type('#login', user);
  await page.type('#password', passwords[user]);
  await follow(page, '#submit');
  await page.waitForSelector('#user');
  if (replica !== replicaA) {
    await page.goto(replica, { waitUntil: 'load' });
    await page.waitForSelector('#user');
  }
  return page;
};

// The text of the cells of row `#grant-ID` of the table on `page`.
const row = (page, id) =>
  page.$$eval(`#grant-${id} td`, (cells) => cells.map((c) => c.textContent.trim()));

// The list item of the role named `roleName` on the role page (the first, outside "recent").
const roleItem = async (page) => {
  for (const li of await page.$$('section.account li')) {
    if ((await li.$eval('h3', (h) => h.textContent)) === roleName) return li;
  }
  throw new Error(`no role named ${roleName} on ${page.url()}`);
};

let pages = [];
try {
  // The requester asks for the role on replica A.
  const bob = await signIn(replicaA, requester);
  const alice = await signIn(replicaB, approver);
  pages = [bob, alice];
  await follow(bob, await (await roleItem(bob)).$('a[href^="/request?"]'));
  await bob.select('select[name=duration]', '3600s');
  await bob.type('textarea[name=justification]', justification);
  await follow(bob, 'form[action="/request"] button[type=submit]');
  const grant = await bob.$eval('#requests tr[id^=grant-]', (tr) => tr.id.slice('grant-'.length));
  const asked = await row(bob, grant);
  const requested = { grant, state: asked[2], why: asked[3] };

  // The approver sees it on replica B and approves it with a comment.
  await follow(alice, 'nav a[href="/approvals"]');
  const waiting = await row(alice, grant);
  const approveButton = await alice.$(`#grant-${grant} button[value=approve]`);
  const approvals = { who: waiting[0], why: waiting[4], approve: approveButton !== null };
  await alice.type(`#grant-${grant} input[name=comment]`, 'go ahead');
  const clicked = Date.now();
  await follow(alice, approveButton);
  const approveMs = Date.now() - clicked;
  const approved = (await row(alice, grant))[3];

  // The requester, back on the role page, opens the console under the grant.
  await follow(bob, 'nav a[href="/"]');
  const item = await roleItem(bob);
  const granted = await item.$eval('.state.active', (p) => p.textContent);
  await follow(bob, await item.$('form[action="/console"] button[type=submit]'));
  await bob.waitForSelector('#principal');
  const principal = await bob.$eval('#principal', (e) => e.textContent);
  const console_ = bob.url();

  // The approver ends the grant.
  await follow(alice, `#grant-${grant} form.end button[type=submit]`);
  const endedAt = Date.now();
  const ended = (await alice.$$(`#grant-${grant}`)).length === 0 ? 'gone' : (await row(alice, grant))[3];

  // The requester's console page, reloaded as the console calls AWS, is denied.
  let denied = null;
  while (denied === null && Date.now() - endedAt < 15_000) {
    const response = await bob.goto(console_, { waitUntil: 'load' });
    if (response.status() === 403) {
      denied = await bob.$eval('#denied', (e) => e.textContent);
    } else {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  if (denied === null) throw new Error('the console page was not denied within 15 s');
  const deniedAfter = Date.now() - endedAt;

  await bob.goto(new URL('/requests', replicaA).href, { waitUntil: 'load' });
  const mine = (await row(bob, grant))[2];
  console.log(JSON.stringify({
    requested,
    approvals,
    approved,
    approveMs,
    granted,
    principal,
    ended,
    denied,
    deniedAfter,
    mine,
  }));
} catch (err) {
  console.error(err.stack ?? err.message);
  for (const page of pages) {
    console.error(`at ${new URL(page.url()).pathname}:`);
    console.error(await page.content().catch(() => ''));
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
