import type { FastifyInstance, FastifyReply } from 'fastify';

const chosenStatus = Symbol('chosenStatus');

type ReplyWithChoice = FastifyReply & { [chosenStatus]?: number };

/**
 * Answers this request with `status` whatever the route's own. Nest sets the route's fixed status (`@HttpCode`, or
 * 201 for a POST) on the reply just before sending, so an answer replayed from storage, which has its own, needs the
 * last word: the `onSend` hook {@link installChosenStatus} adds. A web `Response` would carry its status too, but Nest
 * streams one through a web stream, a Node stream and a file wrapper, which cost a JSON answer more than its handler.
 */
export function chooseStatus(reply: FastifyReply, status: number): void {
  (reply as ReplyWithChoice)[chosenStatus] = status;
}

export function installChosenStatus(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (_request, reply: ReplyWithChoice, payload, done) => {
    const status = reply[chosenStatus];
    if (status !== undefined) {
      void reply.code(status);
    }
    done(null, payload);
  });
}
