using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using OrleansRegistry.Sessions;

namespace OrleansRegistry.WebFrontend.SignIn;

/// <summary>
/// Keeps the data-protection key ring in <see cref="IDataProtectionKeysGrain"/>, shared by every frontend. The key
/// manager's interface is synchronous and it calls it rarely (at start, when a key is due, about daily), so the grain
/// calls are waited for here.
/// </summary>
public sealed class GrainXmlRepository(IGrainFactory grains) : IXmlRepository
{
    private IDataProtectionKeysGrain Keys => grains.GetGrain<IDataProtectionKeysGrain>(0);

    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. Keys.GetAll().GetAwaiter().GetResult().Select(xml => XElement.Parse(xml))];

    public void StoreElement(XElement element, string friendlyName) =>
        Keys.Store(friendlyName, element.ToString(SaveOptions.DisableFormatting)).GetAwaiter().GetResult();
}
