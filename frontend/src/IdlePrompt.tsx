// "Want to stay signed on?" (seed 002): shown a while before the gateway would idle the session out.
// Activity is what the person does (keys, pointer, touch); while they are active the app keeps the
// session alive at the gateway even if no screen needs data.
import { useEffect, useRef, useState } from "react";

import { session, sessionIdleSeconds } from "./session";
import { Dialog } from "./ui";

const ACTIVITY_EVENTS = ["keydown", "pointerdown", "wheel", "touchstart"] as const;
const TICK_MS = 1000;

/** How long before the idle timeout the prompt appears: two minutes, or half of a short timeout. */
function warningSeconds(idleSeconds: number): number {
  return Math.min(120, Math.floor(idleSeconds / 2));
}

function minutesAndSeconds(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

export function IdlePrompt() {
  const idleSeconds = sessionIdleSeconds();
  const warning = warningSeconds(idleSeconds);
  const lastActivity = useRef(0);
  const [remaining, setRemaining] = useState<number | null>(null);
  const prompting = remaining !== null;

  useEffect(() => {
    const active = () => {
      if (prompting) return; // only the prompt's buttons answer it
      lastActivity.current = Date.now();
      // Tell the gateway now and then that the person is here, so a long form does not idle out.
      if (Date.now() - session.lastContact > Math.min(60, idleSeconds / 4) * 1000) void session.stayOn();
    };
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, active, { passive: true });
    return () => {
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, active);
    };
  }, [prompting, idleSeconds]);

  useEffect(() => {
    // The clock starts when the prompt is first shown the page, not during a render.
    lastActivity.current = Date.now();
    const timer = window.setInterval(() => {
      const idleFor = (Date.now() - lastActivity.current) / 1000;
      if (idleFor >= idleSeconds) {
        window.clearInterval(timer);
        void session.signOff("You were signed off because you were inactive. Please sign on again.");
      } else if (idleFor >= idleSeconds - warning) {
        setRemaining(idleSeconds - idleFor);
      } else {
        setRemaining(null);
      }
    }, TICK_MS);
    return () => window.clearInterval(timer);
  }, [idleSeconds, warning]);

  const stay = async () => {
    lastActivity.current = Date.now();
    setRemaining(null);
    await session.stayOn();
  };

  return (
    <Dialog open={prompting} title="Want to stay signed on?" role="alertdialog" persistent>
      <p>
        For your security you will be signed off in{" "}
        <strong>{minutesAndSeconds(remaining ?? 0)}</strong> because there has been no activity.
      </p>
      <div className="button-row">
        <button type="button" className="button-secondary" onClick={() => void session.signOff()}>
          Sign Off
        </button>
        <button type="button" className="button-primary" data-autofocus onClick={() => void stay()}>
          Stay signed on
        </button>
      </div>
    </Dialog>
  );
}
