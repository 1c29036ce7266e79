"""The shared map: a folium page served from `enlace://`, fed live through one web channel.

`MapView` lives in `fieldclient.map.widget`. Importing that module declares the
`enlace://` scheme to Chromium when no QApplication exists yet (Qt requires
that order); an application that imports it later must first call
`fieldclient.map.scheme.register_url_scheme()`. This package module itself
imports no Qt, so the command line (`maps import|list`) stays light.
"""
