/*
 * Enlace map page: geodesy for the map tools (an ES module, the only one of the page).
 *
 * Chris Veness's geodesy library (vendor/geodesy, MIT) gives the page three things from
 * one well-tested source: MGRS references (the centre readout, grid labels), UTM
 * conversions both ways (the grid lines: lines of constant easting and northing), and
 * Vincenty's distance and bearing on the WGS84 ellipsoid (the measuring tool; a sphere
 * would be up to 0.5% off). The library is published as ES modules only, so this file
 * is loaded with <script type="module">; it publishes window.EnlaceGeo and then fires
 * "enlace-geo" (map.js waits for it, or for this script's failure, before saying hello).
 */
import Mgrs, { LatLon as LatLonMgrs, Utm } from "../vendor/geodesy/mgrs.js";
import LatLonVincenty from "../vendor/geodesy/latlon-ellipsoidal-vincenty.js";

const MGRS_LAT = [-80, 84]; // MGRS (UTM) outside the poles

function mgrsOf(lat, lon) {
  if (!(lat >= MGRS_LAT[0] && lat < MGRS_LAT[1])) return null;
  return new LatLonMgrs(lat, lon).toUtm().toMgrs();
}

window.EnlaceGeo = {
  /** "14Q MG 86017 48700" (digits 2-10, truncated as every MGRS reference is); null near the poles. */
  mgrs(lat, lon, digits = 10) {
    const ref = mgrsOf(lat, lon);
    return ref ? ref.toString(digits) : null;
  },

  /** The grid square of a point: {gzd: "14Q", square: "MG"}; null near the poles. */
  square(lat, lon) {
    const ref = mgrsOf(lat, lon);
    return ref ? { gzd: String(ref.zone).padStart(2, "0") + ref.band, square: ref.e100k + ref.n100k } : null;
  },

  /** UTM of a point, in its own zone or forced into `zone` (grid lines near a zone edge). */
  toUtm(lat, lon, zone) {
    const u = new LatLonMgrs(lat, lon).toUtm(zone || undefined);
    return { zone: u.zone, hemisphere: u.hemisphere, e: u.easting, n: u.northing };
  },

  /** [lat, lon] of a UTM coordinate (no range check: grid lines run a little past a zone). */
  fromUtm(zone, hemisphere, e, n) {
    const p = new Utm(zone, hemisphere, e, n, undefined, null, null, false).toLatLon();
    return [p.lat, p.lon];
  },

  /** Distance (m) and initial bearing (degrees from true north) along the ellipsoid. */
  inverse(lat1, lon1, lat2, lon2) {
    try {
      const r = new LatLonVincenty(lat1, lon1).inverse(new LatLonVincenty(lat2, lon2));
      return { distance: r.distance, bearing: Number.isFinite(r.initialBearing) ? r.initialBearing : 0,
        exact: true };
    } catch (e) {
      // Vincenty does not converge for nearly antipodal points: never a field measurement.
      return { distance: L.latLng(lat1, lon1).distanceTo([lat2, lon2]), bearing: 0, exact: false };
    }
  },

  /** Points along the geodesic from a to b (the measured line as the ellipsoid draws it). */
  path(lat1, lon1, lat2, lon2, steps) {
    const a = new LatLonVincenty(lat1, lon1), b = new LatLonVincenty(lat2, lon2);
    const out = [[lat1, lon1]];
    try {
      for (let i = 1; i < steps; i++) {
        const p = a.intermediatePointTo(b, i / steps);
        out.push([p.lat, p.lon]);
      }
    } catch (e) {
      out.length = 1; // no geodesic (antipodal): a straight line is the honest drawing
    }
    out.push([lat2, lon2]);
    return out;
  },

  Mgrs: Mgrs
};

window.dispatchEvent(new Event("enlace-geo"));
