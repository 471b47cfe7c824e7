package airlock.daemon.pending;

/**
 * What a wait is about, as a typed value (an approval's request today; a paused script's question
 * next). Its {@link #binding} names exactly what was asked, so an answer given for one question
 * cannot settle another that took its id.
 */
public interface Question {
    /** A hash of everything the person is shown; an answer must carry it back. */
    String binding();

    /** Whose question it is (the profile): {@link PendingAnswers#stop} ends all of one owner's. */
    String owner();

    /** One line for the audit log and the daemon's log (agent text already made visible). */
    String describe();
}
