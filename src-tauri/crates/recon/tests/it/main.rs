mod fixture;
mod his;
mod worklists;
mod workspace;
