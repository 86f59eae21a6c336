// What every script here shares: a required environment variable, and Debian's headless
// Chromium launched from FED_CHROMIUM (never downloaded) with the profile in FED_PROFILE.

import puppeteer from 'puppeteer-core';

// The value of environment variable `name`; without it, the script stops with exit 2.
export const need = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
};

// Launches headless Chromium over a pipe (no debugging port is opened). Without the
// background-networking flags Chromium stalls on a closed network.
export const launchChromium = () =>
  puppeteer.launch({
    executablePath: need('FED_CHROMIUM'),
    userDataDir: need('FED_PROFILE'),
    headless: true,
    pipe: true,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--no-proxy-server',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
