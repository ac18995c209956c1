/** The own user: rename (the new name is also the one the next hello asks for). */
import type { RequestResults } from '../../../../shared/protocol/server-frames.ts';
import type { ClientContext } from './context.ts';

export function userMethods(ctx: ClientContext) {
  return {
    async rename(name: string): Promise<RequestResults['rename']> {
      const result = await ctx.request('rename', { name });
      ctx.setName(result.user.name);
      return result;
    },
  };
}

export type UserMethods = ReturnType<typeof userMethods>;
