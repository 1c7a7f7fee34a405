mod fixture;
mod his;
mod report;
mod worklists;
mod workspace;
