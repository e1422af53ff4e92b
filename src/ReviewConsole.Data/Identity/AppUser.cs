using Microsoft.AspNetCore.Identity;

namespace ReviewConsole.Data.Identity;

public class AppUser : IdentityUser
{
    [PersonalData]
    public string DisplayName { get; set; } = "";

    /// <summary>Disabled users cannot sign in; their open sessions end at the next revalidation.</summary>
    public bool IsDisabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The TOTP time-step (Unix seconds / 30) of the last accepted authenticator code. A
    /// code is accepted only for a later step, so an observed code cannot be replayed.</summary>
    public long? LastTotpTimeStep { get; set; }
}
