using Microsoft.Extensions.Time.Testing;

namespace Grip.Hosting.Tests.Infrastructure;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that counts the timers created on it, so a test can wait until
/// the code under test has started its timer before advancing the clock: the endpoint starts a
/// handler-timeout timer only after the handler has begun (and signalled the test), and advancing
/// the clock before the timer exists would never fire it.
/// </summary>
public sealed class CountingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private int _timersCreated;

    /// <summary>How many timers were created so far.</summary>
    public int TimersCreated => Volatile.Read(ref _timersCreated);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _timersCreated);
        return timer;
    }

    /// <summary>Waits (up to 10 s of real time) until at least <paramref name="count"/> timers exist.</summary>
    public async Task WaitForTimersAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (TimersCreated < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Only {TimersCreated} of {count} timer(s) were created within 10 s.");
            }

            await Task.Delay(5);
        }
    }
}
