using HangfireLog = Hangfire.Logging;

namespace ReviewConsole.Infrastructure.BackgroundJobs;

/// <summary>
/// Routes Hangfire's (process-global) logging to the host's logger factory. Hangfire keeps one
/// provider per process; when a host stops and its factory is disposed while another host in the
/// same process still runs (tests, or a restart in place), logging is dropped instead of throwing
/// into Hangfire's worker threads.
/// </summary>
internal sealed class HangfireLogProvider(ILoggerFactory loggerFactory) : HangfireLog.ILogProvider
{
    public HangfireLog.ILog GetLogger(string name) => new HostLog(loggerFactory, name);

    private sealed class HostLog(ILoggerFactory factory, string name) : HangfireLog.ILog
    {
        private ILogger? logger;

        public bool Log(HangfireLog.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                logger ??= factory.CreateLogger(name);
                var level = Map(logLevel);
                if (messageFunc is null)
                {
                    return logger.IsEnabled(level);
                }

                if (logger.IsEnabled(level))
                {
#pragma warning disable CA2254 // Hangfire hands over finished messages, not templates.
                    logger.Log(level, exception, messageFunc());
#pragma warning restore CA2254
                }

                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }

        private static LogLevel Map(HangfireLog.LogLevel level) => level switch
        {
            HangfireLog.LogLevel.Trace => LogLevel.Trace,
            HangfireLog.LogLevel.Debug => LogLevel.Debug,
            HangfireLog.LogLevel.Info => LogLevel.Information,
            HangfireLog.LogLevel.Warn => LogLevel.Warning,
            HangfireLog.LogLevel.Error => LogLevel.Error,
            _ => LogLevel.Critical,
        };
    }
}
