import { AppError } from '../../../common/errors.js';
import type { Handlers } from '../api/handlers.js';
import type { ProfileManager } from '../profile/profile-manager.js';

type DealsHandlers = Pick<
  Handlers,
  | 'pipelines.list'
  | 'deals.board'
  | 'deals.list'
  | 'deals.get'
  | 'deals.create'
  | 'deals.update'
  | 'deals.move'
  | 'deals.delete'
>;

/** Pipelines and deals: the board, the deal records, and moves between stages (with their history). */
export function dealsHandlers(profiles: ProfileManager): DealsHandlers {
  const deals = () => profiles.requireStore().deals;
  return {
    'pipelines.list': async () => deals().listPipelines(),
    'deals.board': async ({ pipelineId }) => {
      const board = deals().board(pipelineId);
      if (!board)
        throw new AppError(
          'NOT_FOUND',
          pipelineId === undefined ? 'There is no pipeline.' : `No pipeline ${pipelineId}.`,
        );
      return board;
    },
    'deals.list': async ({ contactId, companyId, cursor, limit }) =>
      deals().list(
        { ...(contactId !== undefined && { contactId }), ...(companyId !== undefined && { companyId }) },
        cursor,
        limit,
      ),
    'deals.get': async ({ id }) => deals().get(id) ?? notFound(id),
    'deals.create': async (input) => deals().create(input),
    'deals.update': async (input) => deals().update(input) ?? notFound(input.id),
    'deals.move': async (input) => deals().move(input),
    'deals.delete': async ({ id }) => ({ deleted: deals().delete(id) }),
  };
}

function notFound(id: number): never {
  throw new AppError('NOT_FOUND', `No deal ${id}.`);
}
