using Microsoft.AspNetCore.Identity;

namespace ReviewConsole.Data.Identity;

public class AppUser : IdentityUser
{
    [PersonalData]
    public string DisplayName { get; set; } = "";

    /// <summary>Disabled users cannot sign in; their open sessions end at the next revalidation.</summary>
    public bool IsDisabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
