import { parseArgs } from './args';
import { log, runGenerate, runGraph, runSend, runVerify } from './cli';

const USAGE = `usage: node dist/tools/simulator/src/main.js <generate|graph|send|verify> [flags]

  generate  --seed N --run-id ID --tenants N --messages N(per tenant) --templates N(per tenant)
            --customers N --inbound N --account-events N (per tenant) --platform-share P
            --batch-max N --duplicates P --refanout P --reorder-window N --base-time UNIX --out DIR
            writes DIR/plan.json (every POST, in order) and DIR/oracle.json (expected end state)
  graph     --run DIR [--port 3005] [--host 127.0.0.1] [--faults]
            serves the run's media as the Graph API and prints the INBOUND_GRAPH_CONFIG for inbound-reply
  send      --run DIR --intake URL --status-projector URL [--admin-token T] [--platform-secret S]
            [--rate POSTS/S] [--timeout-ms MS] [--give-up-after-ms MS] [--no-provision]
            provisions the tenants (DIR/credentials.json) and sends the plan like Meta
  verify    --run DIR --status-projector URL --fallback-trigger URL --template-monitor URL
            --inbound-reply URL [--sms-status sent|pending|any] [--wait-ms MS]
            compares the read APIs with the oracle; exit 1 on any difference

see docs/simulator.md`;

async function main(): Promise<number> {
  const { positional, flags } = parseArgs(process.argv.slice(2));
  switch (positional[0]) {
    case 'generate':
      return runGenerate(flags);
    case 'graph':
      return runGraph(flags);
    case 'send':
      return runSend(flags);
    case 'verify':
      return runVerify(flags);
    default:
      console.error(USAGE);
      return positional[0] === undefined || flags.has('help') ? 0 : 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
