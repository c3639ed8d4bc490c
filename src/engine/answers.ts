import { AnswerRequest, SignalRequest, type Signal } from '../api/index.js';
import type { Store } from '../store/index.js';
import type { Emit } from './emit.js';
import type { Runner } from './runner.js';
import { RequestError } from './scheduler.js';

export interface AnswersDeps {
  store: Store;
  emit: Emit;
  runner: () => Pick<Runner, 'wake'>;
  /** The prompt that resumes a task's agent with an answer. */
  answerPrompt: (taskId: string, answer: string) => string | undefined;
  /** A question for the orchestrator goes to the planner role. */
  toPlanner: (sig: Signal) => void;
}

/**
 * Signals from agents (A7) and the answers to their questions: an answer reaches the agent in its open tool call
 * (counted as delivered once its MCP server read it), or its session resumes with it.
 */
export function createAnswers(d: AnswersDeps) {
  /** Answers whose agent has seen them in its open tool call (in memory: after a restart, runs resume anyway). */
  const delivered = new Set<string>();

  function answerQuestion(id: string, text: string, by: string): Signal {
    const sig = d.store.signals.get(id);
    if (!sig) throw new RequestError('unknown_question', `unknown question ${id}; \`orch questions\` lists the open ones`, 404);
    if (!d.store.signals.answer(id, text, by)) throw new RequestError('already_answered', `question ${id} was already answered`, 409);
    const answered = d.store.signals.get(id) ?? sig;
    d.emit('run.answer', sig.taskId, sig.runId, { signal: answered });
    const prompt = d.answerPrompt(sig.taskId, text);
    if (prompt) d.runner().wake(sig.runId, 'answer', prompt);
    return answered;
  }

  return {
    answerQuestion,
    /** The prompt of an answer its agent has not seen yet (the run resumes with it). */
    undelivered(signals: readonly Signal[]): string | undefined {
      const q = signals.find((sig) => sig.kind === 'question' && sig.answer !== null && !delivered.has(sig.id));
      return q?.answer == null ? undefined : d.answerPrompt(q.taskId, q.answer);
    },
    /** A signal from a run's agent through its MCP server (A7). */
    signal(runId: string, body: unknown): Signal {
      const run = d.store.runs.get(runId);
      if (!run) throw new RequestError('unknown_run', `unknown run ${runId}`, 404);
      const req = SignalRequest.safeParse(body);
      if (!req.success) throw new RequestError('bad_request', req.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const sig = d.store.signals.add(runId, run.taskId, req.data.kind, req.data.text, req.data.kind === 'question' ? (req.data.audience ?? 'human') : null);
      d.emit(req.data.kind === 'question' ? 'run.question' : 'run.signal', run.taskId, runId, { signal: sig });
      if (sig.kind === 'question' && sig.audience === 'orchestrator') d.toPlanner(sig);
      return sig;
    },
    /** The agent's MCP server polls its question here; an answer it has seen counts as delivered. */
    getSignal(runId: string, id: string): Signal {
      const sig = d.store.signals.get(id);
      if (!sig || sig.runId !== runId) throw new RequestError('unknown_signal', `unknown signal ${id} for run ${runId}`, 404);
      if (sig.answer !== null) delivered.add(sig.id);
      return sig;
    },
    questions: (): Signal[] => d.store.signals.openQuestions(),
    /** A human's answer (`by`: the authenticated caller): the agent gets it in its open tool call, or its session resumes with it (O4). */
    answer(id: string, body: unknown, by: string): Signal {
      const req = AnswerRequest.safeParse(body);
      if (!req.success) throw new RequestError('bad_request', req.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return answerQuestion(id, req.data.answer, by);
    },
  };
}
