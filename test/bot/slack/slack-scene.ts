// One suite's Slack, for the suites that talk to Lore as people in a workspace do: a test world (the fake Slack, the
// sample knowledge base), Lore's Bolt app connected to it as `lore start` wires it, with offline answers and limits
// no test reaches, opened before the suite's tests and closed after them.
import fs from 'node:fs';
import path from 'node:path';
import { createAnswerPipeline } from '../../../app/answer-pipeline.ts';
import type { Runtime } from '../../../app/runtime.ts';
import { createSyncService } from '../../../app/sync-service.ts';
import type { Answerer } from '../../../rag/contracts/answer-stream.ts';
import type { FakeSlack } from '../../fakes/fake-slack.ts';
import { setUpSuiteFixture } from '../../helpers/suite-fixture.ts';
import { tempDir } from '../../helpers/temp-dir.ts';
import { startTestBot, type TestBot } from './slack-test-bot.ts';
import { openSlackTestWorld, type SlackTestWorld } from './slack-test-world.ts';

export interface SlackScene {
  world: SlackTestWorld;
  slack: FakeSlack;
  runtime: Runtime;
  bot: TestBot;
}

export interface SlackSceneOptions {
  /** Names the suite's temporary directory. */
  name: string;
  /** The lines of the suite's lore.config.yaml (LORE_CHAT_CONFIG); without, every channel is mention-only. */
  chatConfig?: string[];
  /**
   * What answers, given the runtime with the offline configuration: by default the offline pipeline; the answer
   * service where a suite reads what it records (the query log).
   */
  answerer?: (offline: Runtime) => Answerer;
  /** Channels and people the fake Slack knows before Lore connects. */
  prepare?: (slack: FakeSlack) => void;
}

/** The scene of a suite, opened in its beforeAll and closed in its afterAll (see setUpSuiteFixture). */
export function setUpSlackScene(options: SlackSceneOptions): SlackScene {
  const tmp = tempDir(`lore-slack-${options.name}-`);
  return setUpSuiteFixture<SlackScene>(
    'the Slack scene',
    async (scene) => {
      const env: Record<string, string> = {};
      if (options.chatConfig) {
        env.LORE_CHAT_CONFIG = path.join(tmp.dir, 'lore.config.yaml');
        fs.writeFileSync(env.LORE_CHAT_CONFIG, options.chatConfig.join('\n'));
      }
      const world = await openSlackTestWorld(tmp.dir, env);
      Object.assign(scene, { world, slack: world.slack, runtime: world.runtime });
      options.prepare?.(world.slack);
      const offline = { ...world.runtime, config: world.offline };
      scene.bot = await startTestBot(offline, world.slack, {
        sync: createSyncService(world.runtime),
        pipeline: options.answerer ? options.answerer(offline) : createAnswerPipeline(offline),
        // Limits no test reaches, in a short window.
        conversation: { updateIntervalMs: 100, limits: { userPerMinute: 100, channelPerMinute: 1_000, windowMs: 3_000 } },
      });
    },
    async (scene) => {
      await scene.bot?.close();
      await scene.world?.close();
      tmp.cleanup();
    },
  );
}
