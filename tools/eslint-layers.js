// @ts-check
/**
 * ESLint rule `parley/layers`: keeps each source layer to the imports it is allowed to use.
 *
 * `no-restricted-imports` only sees the import string, so it cannot tell that `../../renderer/x.ts`
 * written in `src/main/core/a/b.ts` points into `src/renderer`. This rule resolves relative (and
 * absolute) specifiers against the importing file and checks the directory they land in. It also
 * checks bare package names (`electron`, Node builtins) and covers every way of naming a module:
 * `import`, `import type`, `export … from`, `import()`, `require()`, `import x = require()` and
 * `typeof import('x')` type queries.
 *
 * Options (one object):
 *   - layer:           name used in messages, e.g. "src/shared"
 *   - reason:          one sentence appended to every message (why the layer is restricted)
 *   - forbidBuiltins:  reject Node builtins (`node:*` and the bare names in `builtinModules`)
 *   - forbidPackages:  package names to reject (subpaths like `electron/main` included)
 *   - allowPackages:   if set, every bare specifier must name one of these packages
 *   - forbidDirs:      repo-relative directories relative imports must not land in
 *   - allowDirs:       if set, relative imports must land in one of these directories
 */
import { builtinModules } from 'node:module';
import path from 'node:path';

const builtins = new Set(builtinModules.flatMap((name) => [name, name.startsWith('node:') ? name : `node:${name}`]));

/** @param {string} specifier */
export function isNodeBuiltin(specifier) {
  return specifier.startsWith('node:') || builtins.has(specifier);
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. @param {string} specifier */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** @param {string} rel @param {string} dir */
function isInside(rel, dir) {
  return rel === dir || rel.startsWith(`${dir}/`);
}

/**
 * @typedef {{
 *   layer: string,
 *   reason?: string,
 *   forbidBuiltins?: boolean,
 *   forbidPackages?: string[],
 *   allowPackages?: string[],
 *   forbidDirs?: string[],
 *   allowDirs?: string[],
 * }} LayerOptions
 */

/** @type {import('eslint').Rule.RuleModule} */
const layersRule = {
  meta: {
    type: 'problem',
    docs: {
      description:
        'Enforce the import boundaries between src/shared, src/main/core, src/main, src/preload and src/renderer',
    },
    schema: [
      {
        type: 'object',
        properties: {
          layer: { type: 'string' },
          reason: { type: 'string' },
          forbidBuiltins: { type: 'boolean' },
          forbidPackages: { type: 'array', items: { type: 'string' } },
          allowPackages: { type: 'array', items: { type: 'string' } },
          forbidDirs: { type: 'array', items: { type: 'string' } },
          allowDirs: { type: 'array', items: { type: 'string' } },
        },
        required: ['layer'],
        additionalProperties: false,
      },
    ],
    messages: {
      builtin: "{{layer}} must not import the Node builtin '{{specifier}}'.{{reason}}",
      package: "{{layer}} must not import '{{specifier}}'.{{reason}}",
      notAllowedPackage: "{{layer}} may only import the packages {{allowed}}, not '{{specifier}}'.{{reason}}",
      dir: "{{layer}} must not import from {{dir}} ('{{specifier}}').{{reason}}",
      notAllowedDir:
        "{{layer}} may only import from {{allowed}}, not '{{specifier}}' (resolves to {{target}}).{{reason}}",
    },
  },
  create(context) {
    /** @type {LayerOptions} */
    const options = context.options[0];
    const reason = options.reason ? ` ${options.reason}` : '';
    const root = context.cwd;
    const fileDir = path.dirname(context.filename);

    /** @param {string} specifier @param {import('estree').Node} node */
    function check(specifier, node) {
      const data = { layer: options.layer, specifier, reason };
      const bare = specifier.split('?')[0] ?? specifier; // drop Vite queries such as `?url`
      if (bare.startsWith('.') || path.isAbsolute(bare)) {
        const target = path.relative(root, path.resolve(fileDir, bare)).split(path.sep).join('/');
        const dir = options.forbidDirs?.find((d) => isInside(target, d));
        if (dir) {
          context.report({ node, messageId: 'dir', data: { ...data, dir } });
        } else if (options.allowDirs && !options.allowDirs.some((d) => isInside(target, d))) {
          context.report({
            node,
            messageId: 'notAllowedDir',
            data: { ...data, target, allowed: options.allowDirs.join(', ') },
          });
        }
        return;
      }
      const name = packageName(bare);
      if (options.forbidBuiltins && isNodeBuiltin(bare)) {
        context.report({ node, messageId: 'builtin', data });
      } else if (options.forbidPackages?.includes(name)) {
        context.report({ node, messageId: 'package', data });
      } else if (options.allowPackages && !options.allowPackages.includes(name)) {
        context.report({
          node,
          messageId: 'notAllowedPackage',
          data: { ...data, allowed: options.allowPackages.map((p) => `'${p}'`).join(', ') },
        });
      }
    }

    /** @param {any} node a string Literal, or a TemplateLiteral without expressions */
    function checkSource(node) {
      if (node?.type === 'Literal' && typeof node.value === 'string') check(node.value, node);
      else if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) {
        check(node.quasis[0].value.cooked, node);
      }
    }

    return {
      ImportDeclaration: (node) => checkSource(node.source),
      ExportNamedDeclaration: (node) => checkSource(node.source),
      ExportAllDeclaration: (node) => checkSource(node.source),
      ImportExpression: (node) => checkSource(node.source),
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') checkSource(node.arguments[0]);
      },
      // TypeScript-only syntax (typescript-eslint AST).
      /** @param {any} node */
      TSExternalModuleReference: (node) => checkSource(node.expression),
      /** @param {any} node */
      TSImportType: (node) => checkSource(node.source ?? node.argument?.literal),
    };
  },
};

export default {
  meta: { name: 'parley' },
  rules: { layers: layersRule },
};
