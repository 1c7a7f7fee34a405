mod fixture;
mod his;
mod report;
mod workspace;
mod worklists;
