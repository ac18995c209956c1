/**
 * `npm run icons`: renders resources/icon.svg into every icon file the app and its installers use.
 *
 *   resources/icon.png          1024 px: the window and tray icon (src/main), and the source for
 *                               the two containers below
 *   build/icons/<n>x<n>.png     16 … 1024 px: Linux (AppImage, deb, rpm install them as hicolor
 *                               icons), each rendered from the SVG at its own size so the small
 *                               ones are drawn, not shrunk
 *   build/icon.ico              Windows (exe, installer, shortcuts): 16 … 256 px
 *   build/icon.icns             macOS (app bundle, dmg): 16 … 1024 px
 *
 * The SVG is drawn by Debian's Chromium (PARLEY_CHROMIUM or /usr/bin/chromium, as for the e2e
 * tests) through playwright-core, so no image library with a native part is needed. The outputs
 * are committed: packaging on CI needs neither Chromium nor this script.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import png2icons from 'png2icons';

const root = join(import.meta.dirname, '..');
const SOURCE = join(root, 'resources/icon.svg');
/** Every size written to build/icons/ (the hicolor sizes desktop environments look for). */
const LINUX_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;

async function main(): Promise<void> {
  const svg = await readFile(SOURCE, 'utf8');
  const browser = await chromium.launch({ executablePath: process.env['PARLEY_CHROMIUM'] ?? '/usr/bin/chromium' });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    const render = async (size: number): Promise<Buffer> => {
      await page.setViewportSize({ width: size, height: size });
      // An <img> rather than inline SVG: the file is drawn exactly as an image viewer would.
      const dataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
      await page.setContent(
        `<html><body style="margin:0;background:transparent">` +
          `<img id="icon" src="${dataUrl}" width="${size}" height="${size}" style="display:block"></body></html>`,
      );
      // (Typed loosely: this project's Node-side tsconfig has no DOM types.)
      await page.locator('#icon').evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode());
      return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    };

    await mkdir(join(root, 'build/icons'), { recursive: true });
    let largest: Buffer | undefined;
    for (const size of LINUX_ICON_SIZES) {
      const png = await render(size);
      await writeFile(join(root, `build/icons/${size}x${size}.png`), png);
      if (size === 1024) largest = png;
      console.log(`build/icons/${size}x${size}.png`);
    }
    if (!largest) throw new Error('the 1024 px render is missing');
    await writeFile(join(root, 'resources/icon.png'), largest);
    console.log('resources/icon.png');

    // png2icons scales the 1024 px render down itself (bicubic); lossless (0 = all colours).
    // The ICO keeps BMP entries below 64 px (forWinExe) so older Explorer views show them too.
    const ico = png2icons.createICO(largest, png2icons.BICUBIC2, 0, false, true);
    const icns = png2icons.createICNS(largest, png2icons.BICUBIC2, 0);
    if (!ico || !icns) throw new Error('png2icons could not convert resources/icon.png');
    await writeFile(join(root, 'build/icon.ico'), ico);
    await writeFile(join(root, 'build/icon.icns'), icns);
    console.log('build/icon.ico\nbuild/icon.icns');
  } finally {
    await browser.close();
  }
}

await main();
