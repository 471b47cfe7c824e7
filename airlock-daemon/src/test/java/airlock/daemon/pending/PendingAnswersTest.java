package airlock.daemon.pending;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pending-answer primitive on its own, with a question that is not an approval (a paused
 * script's prompt, answered with text): every way a wait ends is one {@link Result}, and every
 * step reaches the audit.
 */
class PendingAnswersTest {
    /** What a paused script might ask the agent's person; bound to its prompt. */
    record Prompt(String owner, String text) implements Question {
        @Override
        public String binding() {
            return "b:" + owner + ":" + text;
        }

        @Override
        public String describe() {
            return owner + " asks " + text;
        }
    }

    final List<String> events = new CopyOnWriteArrayList<>();
    final PendingAnswers<Prompt, String> answers = new PendingAnswers<>(2, "airlock: refused: too many wait", new PendingAnswers.Audit<>() {
        @Override
        public void asked(PendingAnswers.Asked<Prompt> a) {
            events.add("asked " + a.question().text());
        }

        @Override
        public void ended(PendingAnswers.Asked<Prompt> a, Result<String> r) {
            events.add("ended " + r.getClass().getSimpleName());
        }

        @Override
        public void mismatch(PendingAnswers.Asked<Prompt> a, String by) {
            events.add("mismatch by " + by);
        }
    }, Clock.systemUTC());

    private CompletableFuture<Result<String>> ask(Prompt p, Duration timeout, AtomicBoolean gone) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return answers.await(p, timeout, a -> { }, gone::get);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
    }

    private PendingAnswers.Asked<Prompt> waitingFor(int n) throws InterruptedException {
        for (int i = 0; i < 2000 && answers.pending().size() < n; i++) Thread.sleep(5);
        assertThat(answers.pending()).hasSize(n);
        return answers.pending().getLast();
    }

    @Test
    void anAnswerBoundToWhatWasAskedEndsTheWaitOnceWithTheTypedAnswer() throws Exception {
        var wait = ask(new Prompt("agent", "which branch?"), Duration.ofMinutes(1), new AtomicBoolean());
        var asked = waitingFor(1);
        var other = answers.answer(asked.id(), "b:agent:another question", "person", "main");
        assertThat(other).isInstanceOf(PendingAnswers.Decided.OtherQuestion.class);
        assertThat(answers.pending()).as("a mismatch leaves it waiting").hasSize(1);
        assertThat(answers.answer(asked.id(), asked.question().binding(), "person", "main")).isInstanceOf(PendingAnswers.Decided.Done.class);
        assertThat(wait.get()).isEqualTo(new Result.Answered<>("main", "person"));
        assertThat(answers.answer(asked.id(), asked.question().binding(), "person", "again"))
                .as("used once").isInstanceOf(PendingAnswers.Decided.NotWaiting.class);
        assertThat(events).containsExactly("asked which branch?", "mismatch by person", "ended Answered");
    }

    @Test
    void denyTimeoutWithdrawStopAndCapacityEachEndAsTheirOwnResult() throws Exception {
        var denied = ask(new Prompt("agent", "deploy?"), Duration.ofMinutes(1), new AtomicBoolean());
        var asked = waitingFor(1);
        answers.deny(asked.id(), asked.question().binding(), "person", "not today");
        assertThat(denied.get()).isEqualTo(new Result.Denied<String>("person", "not today"));

        assertThat(ask(new Prompt("agent", "fast?"), Duration.ZERO, new AtomicBoolean()).get()).isInstanceOf(Result.TimedOut.class);

        AtomicBoolean gone = new AtomicBoolean();
        var withdrawn = ask(new Prompt("agent", "still there?"), Duration.ofMinutes(5), gone);
        waitingFor(1);
        gone.set(true);
        assertThat(withdrawn.get()).isInstanceOf(Result.Withdrawn.class);
        assertThat(answers.pending()).isEmpty();

        var a = ask(new Prompt("agent", "one"), Duration.ofMinutes(5), new AtomicBoolean());
        var b = ask(new Prompt("ci", "two"), Duration.ofMinutes(5), new AtomicBoolean());
        waitingFor(2);
        assertThat(ask(new Prompt("ci", "three"), Duration.ofMinutes(5), new AtomicBoolean()).get())
                .as("over capacity: refused, not queued").isEqualTo(new Result.Stopped<String>("airlock: refused: too many wait"));
        answers.stop("agent", "airlock: profile 'agent' was revoked");
        assertThat(a.get()).isEqualTo(new Result.Stopped<String>("airlock: profile 'agent' was revoked"));
        assertThat(answers.pending()).as("only the stopped owner's wait ended").singleElement()
                .satisfies(p -> assertThat(p.question().owner()).isEqualTo("ci"));
        answers.stop("ci", "bye");
        assertThat(b.get()).isInstanceOf(Result.Stopped.class);
        assertThat(events).containsSubsequence("ended Denied", "ended TimedOut", "ended Withdrawn", "ended Stopped", "ended Stopped");
    }

    /** An answer that comes for a caller already gone starts nothing. */
    @Test
    void anAnswerForACallerThatLeftIsWithdrawn() throws Exception {
        AtomicBoolean gone = new AtomicBoolean();
        var wait = ask(new Prompt("agent", "go?"), Duration.ofMinutes(5), gone);
        var asked = waitingFor(1);
        gone.set(true);
        answers.answer(asked.id(), asked.question().binding(), "person", "yes");
        assertThat(wait.get()).isInstanceOf(Result.Withdrawn.class);
    }
}
