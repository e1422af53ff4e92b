using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using ReviewConsole.Data.Identity;

namespace ReviewConsole.Components.Account;

internal static class IdentityComponentsEndpointRouteBuilderExtensions
{
    /// <summary>The one endpoint the static account pages need beyond themselves: sign-out by form post
    /// (antiforgery-checked like every form).</summary>
    public static IEndpointConventionBuilder MapAdditionalIdentityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        var accountGroup = endpoints.MapGroup("/Account");

        // The form is read by hand after checking the antiforgery result: a [FromForm] parameter
        // would make a post without a valid token throw (a 500) instead of answering 400.
        accountGroup.MapPost("/Logout", async Task<IResult> (HttpContext context, [FromServices] SignInManager<AppUser> signInManager) =>
        {
            if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
            {
                return TypedResults.BadRequest("The sign-out form expired. Reload the page and sign out again.");
            }

            var returnUrl = context.Request.HasFormContentType ? (await context.Request.ReadFormAsync(context.RequestAborted))["returnUrl"].ToString() : "";
            await signInManager.SignOutAsync();
            return TypedResults.LocalRedirect($"~/{returnUrl}");
        }).RequireAuthorization().WithMetadata(new RequireAntiforgeryTokenAttribute());

        return accountGroup;
    }
}
